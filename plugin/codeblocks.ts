// codeblocks.ts - ```vaultcrm, ```dataview and ```tasks blocks rendered from engine.query.
//
// The core parses and evaluates the query; this file only draws its
// QueryResult (docs/json-api.md): a table, a list or a task list, 100 rows a
// page. The engine is asked for that page only, so a 5,000-row answer costs
// one page of sorting, JSON and DOM. Errors render in place
// with the query's line:column and never throw. Every rendered block stays
// registered while its element is in the document, and is drawn again when
// the index changes (the plugin calls refresh() in its animation-frame
// batch) and the engine's version of its answer moved: an edit of a note
// the query does not read leaves the block, its scroll and selection as
// they were.
// Text goes in through textContent only.
import { Keymap, Notice, TFile, type MarkdownPostProcessorContext } from "obsidian";
import type { QueryCell, QueryResult, QueryTask } from "../wasm/js/types-query";
import { VaultcrmError } from "../wasm/js/web";
import type VaultCrmPlugin from "./main";

export const PAGE_SIZE = 100;

type Language = "vaultcrm" | "dataview" | "tasks";

interface LiveBlock {
  el: HTMLElement;
  source: string;
  sourcePath: string;
  lang: Language;
  page: number;
  /** The engine's version of the answer on screen (Engine.queryVersion); undefined before one was drawn. */
  shownVersion?: number;
}

const FORMAT: Record<Language, "" | "dql" | "tasks"> = { vaultcrm: "", dataview: "dql", tasks: "tasks" };

/** The engine's options for one page of a block's answer (QueryOptions). */
function pageOptions(lang: Language, page: number): string {
  return JSON.stringify({ format: FORMAT[lang], page: { offset: page * PAGE_SIZE, size: PAGE_SIZE } });
}

/** Whether the host has the community plugin `id` enabled (Obsidian's app.plugins; absent in the demo). */
function pluginEnabled(app: unknown, id: string): boolean {
  const plugins = (app as { plugins?: { enabledPlugins?: Set<string> } }).plugins;
  return plugins?.enabledPlugins?.has(id) === true;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function pageKey(sourcePath: string, lang: string, source: string): string {
  return `${sourcePath}\u0000${lang}\u0000${source}`;
}

/** Splits a task's text into plain runs and [[wikilinks]] (target, shown text). */
function linkRuns(text: string): Array<{ text: string; target: string | null }> {
  const out: Array<{ text: string; target: string | null }> = [];
  const re = /\[\[([^\]|#^]+)(?:[#^][^\]|]*)?(?:\|([^\]]+))?\]\]/g;
  let last = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m.index > last) out.push({ text: text.slice(last, m.index), target: null });
    const target = (m[1] ?? "").trim();
    out.push({ text: m[2] ?? target, target });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last), target: null });
  return out;
}

/** The task line with its status character toggled (` ` <-> `x`), or null if it is not a task line. */
export function toggleTaskLine(line: string, done: boolean): string | null {
  const m = /^(\s*(?:>\s*)*(?:[-*+]|\d+[.)])\s+\[)(.)(\].*)$/.exec(line);
  if (m === null) return null;
  return `${m[1]}${done ? "x" : " "}${m[3]}`;
}

export class QueryBlocks {
  private readonly live = new Set<LiveBlock>();
  /**
   * The page each block is on, by note + language + query text: a host may
   * re-create a block's element at any time (Obsidian re-renders sections,
   * CodeMirror redraws widgets), and the reader should stay on their page.
   */
  private readonly pages = new Map<string, number>();

  constructor(private readonly plugin: VaultCrmPlugin) {}

  /** Registers the processors: vaultcrm always; dataview/tasks unless their plugin is on (a setting). */
  register(): void {
    const langs: Language[] = ["vaultcrm"];
    if (this.plugin.settings.renderForeignBlocks) {
      if (!pluginEnabled(this.plugin.app, "dataview")) langs.push("dataview");
      if (!pluginEnabled(this.plugin.app, "obsidian-tasks-plugin")) langs.push("tasks");
    }
    for (const lang of langs) {
      this.plugin.registerMarkdownCodeBlockProcessor(lang, (source, el, ctx) => this.process(lang, source, el, ctx));
    }
  }

  /** Re-runs every block still in the document (the index changed). */
  refresh(): void {
    for (const block of [...this.live]) {
      if (!block.el.isConnected) {
        this.live.delete(block);
        continue;
      }
      if (this.unchanged(block)) continue;
      this.render(block);
    }
  }

  /** Whether the answer on screen is still the engine's: its version did not move. */
  private unchanged(block: LiveBlock): boolean {
    if (block.shownVersion === undefined) return false;
    try {
      return this.plugin.queryVersion(block.source, block.sourcePath, pageOptions(block.lang, block.page)) === block.shownVersion;
    } catch {
      return false;  // drawn again, and render() shows the error
    }
  }

  /** Notes the version of the answer render() just drew (the engine kept it: no second run). */
  private noteShown(block: LiveBlock): void {
    try {
      block.shownVersion = this.plugin.queryVersion(block.source, block.sourcePath, pageOptions(block.lang, block.page)) ?? undefined;
    } catch {
      block.shownVersion = undefined;
    }
  }

  private process(lang: Language, source: string, el: HTMLElement, ctx: MarkdownPostProcessorContext): void {
    const page = this.pages.get(pageKey(ctx.sourcePath, lang, source)) ?? 0;
    const block: LiveBlock = { el, source, sourcePath: ctx.sourcePath, lang, page };
    this.live.add(block);
    this.render(block);
  }

  private render(block: LiveBlock): void {
    const { el } = block;
    el.empty();
    block.shownVersion = undefined;
    const root = el.createDiv({ cls: ["vaultcrm-query", `vaultcrm-query-${block.lang}`] });
    const state = this.plugin.engineState;
    if (state.kind === "loading") {
      root.createDiv({ cls: "vaultcrm-placeholder", text: "Indexing the vault…" });
      return;
    }
    if (state.kind === "failed") {
      root.createDiv({ cls: "vaultcrm-query-error", text: state.message });
      return;
    }
    let result: QueryResult;
    try {
      // Only the page on screen crosses from the engine; a page the answer no
      // longer reaches (notes were removed) falls back to its last page.
      result = state.engine.query(block.source, block.sourcePath, pageOptions(block.lang, block.page)) as unknown as QueryResult;
      if (block.page > 0 && result.offset >= result.total) {
        block.page = Math.max(0, Math.ceil(result.total / PAGE_SIZE) - 1);
        result = state.engine.query(block.source, block.sourcePath, pageOptions(block.lang, block.page)) as unknown as QueryResult;
      }
    } catch (err) {
      if (err instanceof VaultcrmError) this.noteShown(block);
      const box = root.createDiv({ cls: "vaultcrm-query-error", attr: { role: "alert" } });
      if (err instanceof VaultcrmError) {
        const where = err.line !== undefined && err.line > 0 ? `${err.line}:${err.column ?? 0}` : null;
        box.createSpan({ cls: "vaultcrm-query-error-kind", text: `${block.lang} query error` });
        if (where !== null) box.createSpan({ cls: "vaultcrm-query-error-pos", text: ` at ${where}` });
        box.createDiv({ cls: "vaultcrm-query-error-message", text: err.message });
      } else {
        box.setText(`vaultcrm could not run this query: ${errorMessage(err)}`);
      }
      return;
    }
    this.noteShown(block);
    try {
      this.renderResult(root, block, result);
    } catch (err) {
      root.createDiv({ cls: "vaultcrm-query-error", text: `vaultcrm could not show this result: ${errorMessage(err)}` });
    }
  }

  private renderResult(root: HTMLElement, block: LiveBlock, result: QueryResult): void {
    for (const w of result.warnings ?? []) root.createDiv({ cls: "vaultcrm-query-warning", text: w });
    if (result.explain) root.createEl("pre", { cls: "vaultcrm-query-explain", text: result.explain });
    // The result holds this page only: rows (tasks) [offset, offset + shown) of total.
    const total = result.total;
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    const from = result.offset;
    const to = from + (result.type === "task" ? result.tasks.length : result.rows.length);

    if (result.type === "task") this.renderTasks(root, block, result);
    else if (result.type === "list") this.renderList(root, block, result);
    else this.renderTable(root, block, result);

    const footer = root.createDiv({ cls: "vaultcrm-query-footer" });
    const noun = result.type === "task" ? "task" : result.type === "list" ? "item" : "row";
    footer.createSpan({
      cls: "vaultcrm-query-count",
      text: total === 0 ? `No ${noun}s` : pages === 1 ? `${total} ${noun}${total === 1 ? "" : "s"}` : `${from + 1}–${to} of ${total} ${noun}s`,
    });
    if (pages > 1) {
      const pager = footer.createSpan({ cls: "vaultcrm-pager" });
      const go = (page: number) => {
        block.page = page;
        this.pages.set(pageKey(block.sourcePath, block.lang, block.source), page);
        this.render(block);
      };
      const prev = pager.createEl("button", { cls: "vaultcrm-page-prev", text: "‹ Prev" });
      prev.disabled = block.page === 0;
      prev.addEventListener("click", () => go(block.page - 1));
      pager.createSpan({ cls: "vaultcrm-page-no", text: ` page ${block.page + 1} / ${pages} ` });
      const next = pager.createEl("button", { cls: "vaultcrm-page-next", text: "Next ›" });
      next.disabled = block.page >= pages - 1;
      next.addEventListener("click", () => go(block.page + 1));
    }
  }

  private renderTable(root: HTMLElement, block: LiveBlock, result: QueryResult): void {
    const table = root.createEl("table", { cls: "vaultcrm-query-table" });
    const head = table.createEl("thead").createEl("tr");
    for (const c of result.columns) head.createEl("th", { text: c });
    const body = table.createEl("tbody");
    for (const row of result.rows) {
      const tr = body.createEl("tr");
      for (const cell of row) this.cell(tr.createEl("td"), cell, block);
    }
  }

  private renderList(root: HTMLElement, block: LiveBlock, result: QueryResult): void {
    const list = root.createEl("ul", { cls: "vaultcrm-query-list" });
    for (const row of result.rows) {
      const li = list.createEl("li");
      row.forEach((cell, i) => {
        if (i > 0) li.appendText(": ");
        this.cell(li.createSpan(), cell, block);
      });
    }
  }

  private renderTasks(root: HTMLElement, block: LiveBlock, result: QueryResult): void {
    if (result.grouped && result.groups !== null) {
      // The engine sends the groups this page shows, each with its tasks on the page.
      for (const g of result.groups) {
        const h = root.createEl("h4", { cls: "vaultcrm-query-group" });
        g.keys.forEach((k, i) => {
          if (i > 0) h.appendText(" › ");
          this.cell(h.createSpan(), k, block);
        });
        this.taskList(root, block, g.tasks, result.hidden ?? []);
      }
      return;
    }
    this.taskList(root, block, result.tasks, result.hidden ?? []);
  }

  private taskList(root: HTMLElement, block: LiveBlock, tasks: readonly QueryTask[], hidden: readonly string[]): void {
    const list = root.createEl("ul", { cls: "vaultcrm-query-tasks contains-task-list" });
    const hide = new Set(hidden.map((h) => h.toLowerCase()));
    for (const t of tasks) {
      const li = list.createEl("li", { cls: "task-list-item vaultcrm-query-task", attr: { "data-task": t.status } });
      if (t.completed) li.addClass("is-checked");
      const box = li.createEl("input", { cls: "task-list-item-checkbox", type: "checkbox" });
      box.checked = t.completed;
      box.setAttr("aria-label", `Mark "${t.description}" ${t.completed ? "not done" : "done"}`);
      box.addEventListener("click", (evt) => {
        evt.stopPropagation();
        void this.toggleTask(t, box.checked, box);
      });
      const text = li.createSpan({ cls: "vaultcrm-query-task-text" });
      for (const run of linkRuns(t.description || t.text)) {
        if (run.target === null) text.appendText(run.text);
        else this.link(text, run.text, run.target, block.sourcePath);
      }
      if (t.due !== null && !hide.has("due date")) li.createSpan({ cls: "vaultcrm-due", text: `due ${t.due}` });
      if (t.priority !== null && !hide.has("priority")) li.createSpan({ cls: "vaultcrm-priority", text: t.priority });
      if (!hide.has("backlink")) {
        const src = li.createSpan({ cls: "vaultcrm-query-backlink" });
        const name = t.path.slice(t.path.lastIndexOf("/") + 1).replace(/\.md$/i, "");
        const a = src.createEl("a", { cls: "internal-link", text: name, href: "#" });
        a.setAttr("title", `${t.path}:${t.line}`);
        a.addEventListener("click", (evt) => {
          evt.preventDefault();
          evt.stopPropagation();
          void this.plugin.app.workspace.openLinkText(t.path, block.sourcePath, Keymap.isModEvent(evt), {
            eState: { line: t.line - 1 },
          });
        });
      }
    }
  }

  /** Writes the toggled status into the task's line through the vault; the index follows from 'modify'. */
  private async toggleTask(t: QueryTask, done: boolean, box: HTMLInputElement): Promise<void> {
    const { vault } = this.plugin.app;
    const file = vault.getAbstractFileByPath(t.path);
    try {
      if (!(file instanceof TFile)) throw new Error(`${t.path} is not in the vault`);
      const text = await vault.read(file);
      const lines = text.split("\n");
      const i = t.line - 1;
      const old = lines[i];
      const cr = old !== undefined && old.endsWith("\r");
      const changed = old === undefined ? null : toggleTaskLine(cr ? old.slice(0, -1) : old, done);
      if (changed === null) throw new Error(`line ${t.line} of ${t.path} is no longer a task; the list will refresh`);
      lines[i] = cr ? `${changed}\r` : changed;
      await vault.modify(file, lines.join("\n"));
    } catch (err) {
      box.checked = !done;
      new Notice(`vaultcrm: could not update the task: ${errorMessage(err)}`);
      this.plugin.scheduleRefresh();
    }
  }

  private cell(el: HTMLElement, cell: QueryCell, block: LiveBlock): void {
    if (cell === null || cell === undefined) {
      el.addClass("vaultcrm-null");
      el.setText("—");
      return;
    }
    if (Array.isArray(cell)) {
      if (cell.length === 0) return;
      const ul = el.createEl("ul", { cls: "vaultcrm-query-cell-list" });
      for (const c of cell) this.cell(ul.createEl("li"), c, block);
      return;
    }
    if (typeof cell !== "object") {
      el.setText(String(cell));
      return;
    }
    switch (cell.type) {
      case "link": {
        const shown = cell.display ?? cell.path.slice(cell.path.lastIndexOf("/") + 1).replace(/\.md$/i, "");
        const target = cell.subpath ? `${cell.path}#${cell.subpath}` : cell.path;
        this.link(el, shown, target, block.sourcePath);
        return;
      }
      case "date":
      case "duration":
        el.setText(cell.value);
        return;
      case "object": {
        const dl = el.createEl("dl", { cls: "vaultcrm-query-object" });
        for (const [k, v] of Object.entries(cell.value)) {
          dl.createEl("dt", { text: k });
          this.cell(dl.createEl("dd"), v, block);
        }
        return;
      }
      default:
        el.setText("<function>");
    }
  }

  private link(parent: HTMLElement, text: string, target: string, sourcePath: string): void {
    const a = parent.createEl("a", { cls: "internal-link", text, href: "#", attr: { "data-href": target } });
    a.addEventListener("click", (evt) => {
      evt.preventDefault();
      evt.stopPropagation();
      void this.plugin.app.workspace.openLinkText(target, sourcePath, Keymap.isModEvent(evt));
    });
  }
}
