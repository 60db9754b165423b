// AccountView.ts - the right-sidebar panel that renders one AccountPanel.
//
// The model comes whole from the core (engine.panel); this file only lays it
// out. All note text goes in through createEl({text}) / setText, which set
// textContent, so markup written in a note (`<img onerror=...>`) stays text.
// Every item opens its source note at its line.
import { ItemView, Keymap, WorkspaceLeaf } from "obsidian";
import type {
  AccountPanel,
  ContextEntry,
  Diagnostic,
  PanelCollaborator,
  PanelContact,
  PanelTask,
  StatusRow,
} from "../../wasm/js/types";
import { VaultcrmError } from "../../wasm/js/web";
import type VaultCrmPlugin from "../main";

export const VIEW_TYPE_ACCOUNT = "vaultcrm-account";

type SectionKey = "status" | "contacts" | "collaborators" | "context" | "tasks" | "errors";

/** Today's date as YYYY-MM-DD in local time, to flag overdue tasks. */
function today(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The entry's text without the date the core already extracted from its
 * start ("2025-12-15: ..." or "(2025-12-15) ..."), since the timeline shows
 * that date on its own line.
 */
function withoutLeadingDate(text: string, date: string | null): string {
  if (date === null) return text;
  for (const prefix of [date, `(${date})`]) {
    if (!text.startsWith(prefix)) continue;
    const rest = text.slice(prefix.length).replace(/^\s*[:\u2013\u2014-]?\s*/, "");
    return rest === "" ? text : rest;
  }
  return text;
}

function basename(path: string): string {
  const name = path.slice(path.lastIndexOf("/") + 1);
  return name.toLowerCase().endsWith(".md") ? name.slice(0, -3) : name;
}

export class AccountView extends ItemView {
  /** The note whose panel is shown, or null before the first account note. */
  path: string | null = null;

  private readonly plugin: VaultCrmPlugin;
  private readonly collapsed = new Set<SectionKey>();
  /** Sections whose "Show all" was pressed; reset when another note is shown. */
  private readonly expanded = new Set<SectionKey>();

  constructor(leaf: WorkspaceLeaf, plugin: VaultCrmPlugin) {
    super(leaf);
    this.plugin = plugin;
  }

  getViewType(): string {
    return VIEW_TYPE_ACCOUNT;
  }

  getDisplayText(): string {
    return this.path === null ? "Account" : `Account: ${basename(this.path)}`;
  }

  getIcon(): string {
    return "contact";
  }

  async onOpen(): Promise<void> {
    if (!this.plugin.followActiveFile(this, true)) this.render(null);
  }

  async onClose(): Promise<void> {
    this.contentEl.empty();
  }

  /** Shows the panel of `path`; `panel` may be passed when already computed. */
  show(path: string, panel?: AccountPanel): void {
    const other = path !== this.path;
    if (other) this.expanded.clear();
    this.path = path;
    this.render(panel ?? null);
    if (other) this.contentEl.scrollTop = 0;
  }

  /** Recomputes the panel of the current note (after the vault changed). */
  refresh(): void {
    this.render(null);
  }

  private render(given: AccountPanel | null): void {
    const root = this.contentEl;
    const scrollTop = root.scrollTop;
    root.empty();
    root.addClass("vaultcrm-view");

    const state = this.plugin.engineState;
    if (state.kind === "loading") {
      root.createDiv({ cls: "vaultcrm-placeholder", text: "Indexing the vault…" });
      return;
    }
    if (state.kind === "failed") {
      root.createDiv({ cls: "vaultcrm-error", text: state.message });
      return;
    }
    if (this.path === null) {
      root.createDiv({
        cls: "vaultcrm-placeholder",
        text: "Open an account note (frontmatter type: customer) to see its contacts, context and tasks.",
      });
      return;
    }

    let panel = given;
    if (panel === null) {
      try {
        panel = state.engine.panel(this.path);
      } catch (err) {
        const gone = err instanceof VaultcrmError && err.code === "not_found";
        root.createDiv({
          cls: gone ? "vaultcrm-placeholder" : "vaultcrm-error",
          text:
            gone
              ? `${this.path} is no longer in the vault.`
              : `Could not build the panel for ${this.path}: ${errorMessage(err)}`,
        });
        return;
      }
    }
    this.renderPanel(root, panel);
    root.scrollTop = scrollTop;
  }

  private renderPanel(root: HTMLElement, panel: AccountPanel): void {
    const header = root.createDiv({ cls: "vaultcrm-header" });
    const title = header.createEl("h3", { cls: "vaultcrm-title", text: panel.title });
    this.clickable(title, `Open ${panel.path}`, (evt) => this.openAt(panel.path, 1, evt));
    header.createDiv({
      cls: "vaultcrm-meta",
      text: panel.type === null ? panel.path : `${panel.type} · ${panel.path}`,
    });
    if (!this.plugin.isAccount(panel)) {
      header.createDiv({
        cls: "vaultcrm-hint",
        text: "This note is not an account note; showing what the core found in it.",
      });
    }

    this.renderSection(root, "errors", "Problems in this note", panel.errors, (body, items) =>
      this.renderErrors(body, panel.path, items),
    );
    this.renderSection(root, "status", "Status", panel.status, (body, items) =>
      this.renderStatus(body, panel.path, items),
    );
    // Most-mentioned first; equal counts keep the note's order (sort is stable).
    const contacts = [...panel.contacts].sort((a, b) => b.count - a.count);
    this.renderSection(root, "contacts", "Key contacts", contacts, (body, items) =>
      this.renderContacts(body, panel.path, items),
    );
    this.renderSection(root, "collaborators", "Collaborators", panel.collaborators, (body, items) =>
      this.renderCollaborators(body, panel.path, items),
    );
    // A timeline reads newest first; entries without a date go last, in note order.
    const context = [...panel.recentContext].sort((a, b) =>
      a.date === b.date ? 0 : a.date === null ? 1 : b.date === null ? -1 : a.date < b.date ? 1 : -1,
    );
    this.renderSection(root, "context", "Recent context", context, (body, items) =>
      this.renderContext(body, panel.path, items),
    );
    this.renderSection(root, "tasks", "Open tasks", panel.openTasks, (body, items) =>
      this.renderTasks(body, items),
    );
  }

  /**
   * A collapsible section. Long lists show the first `sectionLimit` items and
   * a "Show all" button; errors and status rows are always shown whole.
   */
  private renderSection<T>(
    root: HTMLElement,
    key: SectionKey,
    name: string,
    items: readonly T[],
    fill: (body: HTMLElement, items: readonly T[]) => void,
  ): void {
    if (key === "errors" && items.length === 0) return;
    const section = root.createDiv({ cls: ["vaultcrm-section", `vaultcrm-section-${key}`] });
    const head = section.createDiv({ cls: "vaultcrm-section-head" });
    head.createSpan({ cls: "vaultcrm-section-name", text: name });
    head.createSpan({ cls: "vaultcrm-count", text: String(items.length) });
    const open = !this.collapsed.has(key);
    section.toggleClass("is-collapsed", !open);
    this.clickable(head, open ? `Collapse ${name}` : `Expand ${name}`, () => {
      if (this.collapsed.has(key)) this.collapsed.delete(key);
      else this.collapsed.add(key);
      this.refresh();
    });
    head.setAttr("aria-expanded", open);
    if (!open) return;
    const body = section.createDiv({ cls: "vaultcrm-section-body" });
    if (items.length === 0) {
      body.createDiv({ cls: "vaultcrm-empty", text: "None" });
      return;
    }
    const limit = this.plugin.settings.sectionLimit;
    const whole = key === "errors" || key === "status" || limit === 0 || this.expanded.has(key);
    const shown = whole ? items : items.slice(0, limit);
    fill(body, shown);
    if (shown.length < items.length) {
      const more = body.createEl("button", { cls: "vaultcrm-more", text: `Show all ${items.length}` });
      more.addEventListener("click", () => {
        this.expanded.add(key);
        this.refresh();
      });
    }
  }

  private renderErrors(body: HTMLElement, path: string, errors: readonly Diagnostic[]): void {
    const list = body.createEl("ul", { cls: "vaultcrm-list vaultcrm-errors" });
    for (const d of errors) {
      const item = list.createEl("li", { cls: ["vaultcrm-item", `is-${d.severity}`] });
      item.createSpan({ cls: "vaultcrm-line", text: `${d.line}:${d.column}` });
      item.createSpan({ cls: "vaultcrm-text", text: d.message });
      this.clickable(item, `Go to line ${d.line}`, (evt) => this.openAt(path, d.line, evt));
    }
  }

  private renderStatus(body: HTMLElement, path: string, rows: readonly StatusRow[]): void {
    const table = body.createEl("table", { cls: "vaultcrm-table vaultcrm-status" });
    const tbody = table.createEl("tbody");
    for (const row of rows) {
      const tr = tbody.createEl("tr", { cls: "vaultcrm-item" });
      tr.createEl("th", { text: row.field });
      tr.createEl("td", { text: row.value });
      this.clickable(tr, `Go to line ${row.line}`, (evt) => this.openAt(path, row.line, evt));
    }
  }

  private renderContacts(body: HTMLElement, path: string, contacts: readonly PanelContact[]): void {
    const list = body.createEl("ul", { cls: "vaultcrm-list vaultcrm-contacts" });
    for (const c of contacts) {
      const item = list.createEl("li", { cls: "vaultcrm-item vaultcrm-contact" });
      item.createSpan({ cls: "vaultcrm-name", text: c.name });
      if (c.count > 1) {
        item.createSpan({
          cls: "vaultcrm-badge",
          text: `×${c.count}`,
          attr: { "aria-label": `mentioned ${c.count} times` },
        });
      }
      const first = c.lines[0] ?? 1;
      this.clickable(item, `Mentioned on line${c.lines.length > 1 ? "s" : ""} ${c.lines.join(", ")}`, (evt) =>
        this.openAt(path, first, evt),
      );
      if (c.link !== null) this.noteButton(item, c.link);
    }
  }

  private renderCollaborators(body: HTMLElement, path: string, people: readonly PanelCollaborator[]): void {
    const table = body.createEl("table", { cls: "vaultcrm-table vaultcrm-collaborators" });
    const head = table.createEl("thead").createEl("tr");
    for (const h of ["Person", "Role", "Company"]) head.createEl("th", { text: h });
    const tbody = table.createEl("tbody");
    for (const p of people) {
      const tr = tbody.createEl("tr", { cls: "vaultcrm-item vaultcrm-collaborator" });
      const name = tr.createEl("td", { cls: "vaultcrm-name" });
      name.createSpan({ text: p.name });
      if (p.link !== null) this.noteButton(name, p.link);
      tr.createEl("td", { cls: "vaultcrm-role", text: p.role });
      tr.createEl("td", { cls: "vaultcrm-company", text: p.company });
      this.clickable(tr, `Go to line ${p.line}`, (evt) => this.openAt(path, p.line, evt));
    }
  }

  private renderContext(body: HTMLElement, path: string, entries: readonly ContextEntry[]): void {
    const list = body.createEl("ol", { cls: "vaultcrm-timeline" });
    for (const e of entries) {
      const item = list.createEl("li", { cls: "vaultcrm-item vaultcrm-context" });
      item.createEl("time", {
        cls: "vaultcrm-date",
        text: e.date ?? "no date",
        attr: e.date === null ? {} : { datetime: e.date },
      });
      const main = item.createDiv({ cls: "vaultcrm-context-main" });
      main.createDiv({ cls: "vaultcrm-text", text: withoutLeadingDate(e.text, e.date) });
      this.clickable(item, `Go to line ${e.line}`, (evt) => this.openAt(path, e.line, evt));
      if (e.links.length > 0) {
        const links = main.createDiv({ cls: "vaultcrm-links" });
        for (const link of e.links) {
          const chip = links.createSpan({ cls: "vaultcrm-link", text: link.target });
          const resolved = link.resolved;
          if (resolved === null) {
            chip.addClass("is-unresolved");
            chip.setAttr("title", "No note with this name yet");
          } else {
            this.clickable(chip, `Open ${resolved}`, (evt) => this.openAt(resolved, null, evt));
          }
        }
      }
    }
  }

  private renderTasks(body: HTMLElement, tasks: readonly PanelTask[]): void {
    const now = today();
    const list = body.createEl("ul", { cls: "vaultcrm-list vaultcrm-tasks" });
    for (const t of tasks) {
      const item = list.createEl("li", { cls: "vaultcrm-item vaultcrm-task" });
      item.createSpan({ cls: "vaultcrm-task-status", text: `[${t.status}]` });
      const main = item.createDiv({ cls: "vaultcrm-task-main" });
      main.createDiv({ cls: "vaultcrm-text", text: t.text });
      const meta = main.createDiv({ cls: "vaultcrm-task-meta" });
      if (t.due !== null) {
        const due = meta.createSpan({ cls: "vaultcrm-due", text: `due ${t.due}` });
        if (t.due < now) due.addClass("is-overdue");
      }
      if (t.priority !== null) meta.createSpan({ cls: "vaultcrm-priority", text: t.priority });
      meta.createSpan({ cls: "vaultcrm-source", text: `${basename(t.path)}:${t.line}` });
      this.clickable(item, `Open ${t.path} at line ${t.line}`, (evt) => this.openAt(t.path, t.line, evt));
    }
  }

  /** A small button that opens a linked note (a person) rather than the line. */
  private noteButton(parent: HTMLElement, target: string): void {
    const button = parent.createEl("button", {
      cls: "vaultcrm-note-button",
      text: "↗",
      attr: { "aria-label": `Open ${target}`, title: `Open ${target}` },
    });
    button.addEventListener("click", (evt) => {
      evt.stopPropagation();
      this.openAt(target, null, evt);
    });
  }

  /** Makes `el` act as a button: click, Enter or Space runs `action`. */
  private clickable(el: HTMLElement, label: string, action: (evt: MouseEvent | KeyboardEvent) => void): void {
    el.addClass("vaultcrm-clickable");
    el.setAttr("tabindex", 0);
    el.setAttr("role", "button");
    el.setAttr("title", label);
    el.addEventListener("click", (evt) => {
      evt.stopPropagation();
      action(evt);
    });
    el.addEventListener("keydown", (evt) => {
      if (evt.key !== "Enter" && evt.key !== " ") return;
      evt.preventDefault();
      evt.stopPropagation();
      action(evt);
    });
  }

  /** Opens `path`, at 1-based `line` if given; Ctrl/Cmd opens a new tab. */
  private openAt(path: string, line: number | null, evt: MouseEvent | KeyboardEvent): void {
    const state = line === null ? undefined : { eState: { line: line - 1 } };
    void this.app.workspace.openLinkText(path, this.path ?? "", Keymap.isModEvent(evt), state);
  }
}
