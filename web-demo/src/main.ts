// main.ts - the web demo: an Obsidian-like page that runs plugin/ unchanged.
//
// The page owns the file tree, the CodeMirror editor and the sidebars; the
// plugin sees only the Obsidian API (obsidian-shim.ts). The sample vault is
// compiled in by build.mjs; edits live in this tab's memory.
import { App, Notice, type TFile } from "./obsidian-shim";
import VaultCrmPlugin from "../../plugin/main";
import manifest from "../../plugin/manifest.json";
import sampleVault from "vaultcrm:sample-vault";
import { DemoEditor } from "./editor";
import { FileTree } from "./filetree";
import "./demo.css";
import "../../plugin/styles.css";

function byId(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`index.html lacks #${id}`);
  return el;
}

function openModal(title: string, fill: (body: HTMLElement, close: () => void) => void): void {
  const backdrop = document.body.createDiv({ cls: "modal-container" });
  const modal = backdrop.createDiv({ cls: "modal", attr: { role: "dialog", "aria-label": title } });
  modal.createDiv({ cls: "modal-title", text: title });
  const body = modal.createDiv({ cls: "modal-content" });
  const close = () => {
    backdrop.remove();
    document.removeEventListener("keydown", onKey, true);
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === "Escape") {
      e.preventDefault();
      close();
    }
  };
  document.addEventListener("keydown", onKey, true);
  backdrop.addEventListener("mousedown", (e) => {
    if (e.target === backdrop) close();
  });
  fill(body, close);
}

function commandPalette(app: App): void {
  openModal("Command palette", (body, close) => {
    const input = body.createEl("input", { type: "text", cls: "prompt-input", placeholder: "Type a command…" });
    const list = body.createDiv({ cls: "prompt-results" });
    const render = () => {
      list.empty();
      const q = input.value.trim().toLowerCase();
      const matches = app.hostCommands.filter((c) => c.name.toLowerCase().includes(q));
      for (const cmd of matches) {
        const item = list.createDiv({ cls: "suggestion-item", text: `vaultcrm: ${cmd.name}` });
        item.addEventListener("click", () => {
          close();
          cmd.callback?.();
        });
      }
      if (matches.length === 0) list.createDiv({ cls: "suggestion-empty", text: "No matching commands." });
    };
    input.addEventListener("input", render);
    input.addEventListener("keydown", (e) => {
      if (e.key !== "Enter") return;
      const first = list.querySelector<HTMLElement>(".suggestion-item");
      first?.click();
    });
    render();
    input.focus();
  });
}

function settingsModal(app: App): void {
  openModal("Settings", (body) => {
    for (const tab of app.hostSettingTabs) {
      tab.display();
      body.appendChild(tab.containerEl);
    }
  });
}

async function start(): Promise<void> {
  const app = new App(byId("right-sidebar"));
  for (const f of sampleVault) app.vault.hostAdd(f.path, f.text, f.mtime);

  const titleEl = byId("tab-title");
  const emptyEl = byId("editor-empty");
  const editor = new DemoEditor(
    byId("editor"),
    (path, text) => {
      const file = app.vault.getFileByPath(path);
      if (file !== null) void app.vault.modify(file, text);
    },
    { processor: (lang) => app.hostCodeBlockProcessors.get(lang) },
  );
  app.workspace.on("vaultcrm-shim:code-processors", () => editor.refreshBlocks());
  const tree = new FileTree(byId("file-tree"), app.vault, (file: TFile) => app.workspace.hostSetActiveFile(file));

  app.workspace.hostOpenFile = (file, eState) => {
    const line = typeof eState?.line === "number" ? eState.line : undefined;
    void app.vault.cachedRead(file).then((text) => {
      emptyEl.addClass("is-hidden");
      editor.open(file.path, text, line);
      titleEl.setText(file.basename);
      tree.setActive(file.path);
      document.title = `${file.basename} - vaultcrm demo`;
    });
  };
  // Keep the editor in step with changes made by anything other than itself.
  app.vault.on("modify", (file: TFile) => {
    if (file.path !== editor.currentPath) return;
    void app.vault.cachedRead(file).then((text) => editor.replaceText(text));
  });
  app.vault.on("rename", (file: TFile) => {
    if (app.workspace.getActiveFile() === file) titleEl.setText(file.basename);
  });

  byId("ribbon-commands").addEventListener("click", () => commandPalette(app));
  byId("ribbon-settings").addEventListener("click", () => settingsModal(app));
  document.addEventListener("keydown", (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "p") {
      e.preventDefault();
      commandPalette(app);
    }
  });

  const notes = app.vault.getMarkdownFiles().length;
  byId("status-bar").setText(`${notes} notes · edits stay in this tab`);

  const plugin = new VaultCrmPlugin(app, manifest);
  plugin.load();
  await plugin.hostLoading;
  app.workspace.hostLayoutReady();
  // Obsidian restores the sidebar from the saved layout; the demo starts with
  // the panel open, as if it had been left open last time.
  app.hostCommands.find((c) => c.id === `${manifest.id}:open-account-panel`)?.callback?.();
}

start().catch((err: unknown) => {
  console.error(err);
  new Notice(`The demo failed to start: ${err instanceof Error ? err.message : String(err)}`, 0);
});
