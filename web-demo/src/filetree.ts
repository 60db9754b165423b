// filetree.ts - the demo's left pane: the vault's folders and notes.
import type { TFile, Vault } from "./obsidian-shim";

interface Folder {
  name: string;
  path: string;
  folders: Map<string, Folder>;
  files: TFile[];
}

function buildTree(files: TFile[]): Folder {
  const root: Folder = { name: "", path: "", folders: new Map(), files: [] };
  for (const file of files) {
    const parts = file.path.split("/");
    parts.pop();
    let folder = root;
    for (const part of parts) {
      let next = folder.folders.get(part);
      if (next === undefined) {
        next = { name: part, path: folder.path === "" ? part : `${folder.path}/${part}`, folders: new Map(), files: [] };
        folder.folders.set(part, next);
      }
      folder = next;
    }
    folder.files.push(file);
  }
  return root;
}

const byName = new Intl.Collator(undefined, { sensitivity: "base", numeric: true });

export class FileTree {
  private readonly collapsed = new Set<string>();
  private activePath: string | null = null;

  constructor(
    private readonly el: HTMLElement,
    private readonly vault: Vault,
    private readonly onOpen: (file: TFile) => void,
  ) {
    for (const name of ["create", "delete", "rename"]) this.vault.on(name, () => this.render());
    this.render();
  }

  setActive(path: string | null): void {
    this.activePath = path;
    for (const item of Array.from(this.el.querySelectorAll<HTMLElement>(".tree-file"))) {
      item.toggleClass("is-active", item.dataset.path === path);
    }
  }

  render(): void {
    this.el.empty();
    const list = this.el.createDiv({ cls: "tree", attr: { role: "tree" } });
    this.renderFolder(list, buildTree(this.vault.getFiles()), 0);
  }

  private renderFolder(parent: HTMLElement, folder: Folder, depth: number): void {
    const folders = [...folder.folders.values()].sort((a, b) => byName.compare(a.name, b.name));
    for (const sub of folders) {
      const open = !this.collapsed.has(sub.path);
      const row = parent.createDiv({
        cls: ["tree-item", "tree-folder", open ? "is-open" : "is-collapsed"],
        text: sub.name,
        attr: { role: "treeitem", "aria-expanded": open, tabindex: 0, "data-folder": sub.path },
      });
      row.style.paddingLeft = `${8 + depth * 14}px`;
      const toggle = () => {
        if (open) this.collapsed.add(sub.path);
        else this.collapsed.delete(sub.path);
        this.render();
      };
      row.addEventListener("click", toggle);
      row.addEventListener("keydown", (e) => {
        if (e.key === "Enter" || e.key === " ") {
          e.preventDefault();
          toggle();
        }
      });
      if (open) this.renderFolder(parent, sub, depth + 1);
    }
    const files = [...folder.files].sort((a, b) => byName.compare(a.basename, b.basename));
    for (const file of files) {
      const row = parent.createDiv({
        cls: ["tree-item", "tree-file"],
        text: file.extension === "md" ? file.basename : file.name,
        attr: { role: "treeitem", tabindex: 0, "data-path": file.path, title: file.path },
      });
      row.style.paddingLeft = `${8 + depth * 14 + 14}px`;
      row.toggleClass("is-active", file.path === this.activePath);
      row.addEventListener("click", () => this.onOpen(file));
      row.addEventListener("keydown", (e) => {
        if (e.key === "Enter") this.onOpen(file);
      });
    }
  }
}
