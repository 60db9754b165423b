// main.ts - registers vaultcrm with the host; the work happens elsewhere.
//
// The core (C++ compiled to wasm) does all parsing and owns the index. This
// file only moves files into it: at start the saved index snapshot plus the
// files changed since (or one bulk upsertMany when there is no usable
// snapshot; persist.ts), then one call per vault event. Every engine mutation goes through a
// single promise chain so a 'modify' that arrives while the vault is still
// being read is applied after the bulk load, never before it.
import { Notice, Plugin, TAbstractFile, TFile, WorkspaceLeaf, normalizePath } from "obsidian";
import { createEngine, type Engine } from "../wasm/js/web";
import type { AccountPanel } from "../wasm/js/types";
import type { ContactCluster, DedupOptions, DedupReport, EntryGroup } from "../wasm/js/types-dedup";
import { AccountView, VIEW_TYPE_ACCOUNT, type DuplicateIndex } from "./views/AccountView";
import { VaultCrmSettingTab, VaultCrmSettings, accountTypes, settingsFrom } from "./settings";
import { QueryBlocks } from "./codeblocks";
import { ReviewDuplicatesModal } from "./views/ReviewModal";
import type { MergePlan } from "../wasm/js/types-merge";
import { applyEdits, undoEntryFrom, type UndoEntry } from "./merge";
import { SnapshotStore, startIndex, type StartReport } from "./persist";

/** What the panel shows while the engine is not usable. */
export type EngineState =
  | { kind: "loading" }
  | { kind: "ready"; engine: Engine }
  | { kind: "failed"; message: string };

/** Dedup runs over the whole vault: once a burst of edits has settled. */
const DEDUP_DELAY_MS = 400;
/** The index snapshot is rewritten once edits have been quiet this long (and at unload): a save
 * of a 10k-note vault blocks the editor for a few hundred ms in wasm, so not after every pause. */
const SNAPSHOT_DELAY_MS = 60_000;
/** Texts given back to restored notes per queued job, so edits are never held up long. */
const ATTACH_CHUNK = 200;

function isMarkdownPath(path: string): boolean {
  return path.toLowerCase().endsWith(".md");
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A trap inside the wasm module (not a VaultcrmError): its memory can no longer be trusted. */
function isWasmTrap(err: unknown): boolean {
  return typeof WebAssembly !== "undefined" && err instanceof WebAssembly.RuntimeError;
}

/** Frees `engine`; a module that has trapped may fail even to free, which changes nothing. */
function disposeQuietly(engine: Engine): void {
  try {
    engine.dispose();
  } catch {
    // Nothing left to release safely.
  }
}

export default class VaultCrmPlugin extends Plugin {
  settings: VaultCrmSettings = settingsFrom(null);
  engineState: EngineState = { kind: "loading" };

  private queue: Promise<void> = Promise.resolve();
  private refreshFrame: number | null = null;
  private dedupTimer: number | null = null;
  private snapshotTimer: number | null = null;
  /** The index changed since the snapshot on disk was written. */
  private snapshotDirty = false;
  private snapshots: SnapshotStore | null = null;
  /** How the last start went (warm from the snapshot, or cold); null until indexed. */
  startReport: StartReport | null = null;
  private dedupReport: DedupReport | null = null;
  private dedupIndex: DuplicateIndex | null = null;
  private dedupText = "";  // JSON of the report dedupIndex was made from
  private unloaded = false;
  /** The last applied merge's inverse (stored in the plugin data as lastMerge). */
  lastMerge: UndoEntry | null = null;
  readonly blocks = new QueryBlocks(this);

  async onload(): Promise<void> {
    const data = await this.loadData();
    this.settings = settingsFrom(data);
    this.lastMerge = undoEntryFrom(data);
    const dir = this.manifest.dir ?? normalizePath(`${this.app.vault.configDir}/plugins/${this.manifest.id}`);
    this.snapshots = new SnapshotStore(this.app.vault.adapter, dir);
    this.addSettingTab(new VaultCrmSettingTab(this.app, this));
    this.registerView(VIEW_TYPE_ACCOUNT, (leaf: WorkspaceLeaf) => new AccountView(leaf, this));
    // In onload, so notes open at start-up render their blocks; they show
    // "Indexing…" until the engine is ready, then refresh with the panels.
    this.blocks.register();
    this.addCommand({
      id: "open-account-panel",
      name: "Open account panel",
      callback: () => {
        void this.openPanel(true);
      },
    });
    this.addCommand({
      id: "review-duplicates",
      name: "Review duplicates",
      callback: () => {
        new ReviewDuplicatesModal(this.app, this).open();
      },
    });
    this.addCommand({
      id: "save-index-snapshot",
      name: "Save the index snapshot now",
      callback: () => {
        this.enqueue(async (engine) => {
          await this.saveSnapshot(engine);
          new Notice("vaultcrm: index snapshot saved.");
        }, false);
      },
    });
    this.addCommand({
      id: "undo-last-merge",
      name: "Undo last merge",
      callback: () => {
        void this.undoLastMerge();
      },
    });
    // Registered inside onLayoutReady so the vault's start-up 'create' flood
    // (one per file) is not mistaken for new notes; the bulk load covers them.
    this.app.workspace.onLayoutReady(() => {
      this.queue = this.loadEngine();
      this.registerVaultEvents();
    });
  }

  onunload(): void {
    this.unloaded = true;
    if (this.refreshFrame !== null) window.cancelAnimationFrame(this.refreshFrame);
    if (this.dedupTimer !== null) window.clearTimeout(this.dedupTimer);
    if (this.snapshotTimer !== null) window.clearTimeout(this.snapshotTimer);
    const state = this.engineState;
    this.engineState = { kind: "failed", message: "vaultcrm was unloaded." };
    // Let queued work finish against the engine, save what changed, then free it.
    void this.queue.then(async () => {
      if (state.kind !== "ready") return;
      if (this.snapshotDirty) await this.saveSnapshot(state.engine);
      disposeQuietly(state.engine);
    });
  }

  async saveSettings(): Promise<void> {
    await this.persist();
    this.enqueue((engine) => this.applySchema(engine));
  }

  /** Saves the settings and the undo entry together (settingsFrom ignores lastMerge). */
  private async persist(): Promise<void> {
    await this.saveData({ ...this.settings, lastMerge: this.lastMerge });
  }

  /** Resolves once every vault event queued so far has reached the engine. */
  async whenIndexed(): Promise<void> {
    await this.queue;
  }

  /**
   * Applies `plan` through the Vault API (all or nothing; see merge.ts) and
   * stores its inverse as the last undo entry. Throws if nothing was applied.
   */
  async applyMerge(plan: MergePlan, label: string): Promise<void> {
    await applyEdits(this.app.vault, plan.edits, plan.inverse);
    this.lastMerge = { inverse: plan.inverse, when: Date.now(), label };
    await this.persist();
  }

  /** Applies the stored inverse of the last merge the same way, then forgets it. */
  async undoLastMerge(): Promise<boolean> {
    const entry = this.lastMerge;
    if (entry === null) {
      new Notice("vaultcrm: there is no merge to undo.");
      return false;
    }
    try {
      await applyEdits(this.app.vault, entry.inverse);
    } catch (err) {
      new Notice(`vaultcrm: could not undo ${entry.label}: ${errorMessage(err)}`);
      return false;
    }
    this.lastMerge = null;
    await this.persist();
    new Notice(`vaultcrm: undid ${entry.label}.`);
    return true;
  }

  /** Hands the schema overrides to the core (which rebuilds its graph); a bad list is reported, not fatal. */
  private applySchema(engine: Engine): void {
    try {
      engine.setSchema({ ...this.settings.schema });
    } catch (err) {
      if (isWasmTrap(err)) throw err;
      new Notice(`vaultcrm: the note structure settings were refused: ${errorMessage(err)}`);
    }
  }

  /** Dedup options from the same settings (the dedup layer names account types customerTypes). */
  private dedupOptions(): DedupOptions {
    const s = this.settings.schema;
    const options: DedupOptions = {};
    if (s.contactHeadings) options.contactHeadings = s.contactHeadings;
    if (s.collaboratorHeadings) options.collaboratorHeadings = s.collaboratorHeadings;
    if (s.timelineHeadings) options.timelineHeadings = s.timelineHeadings;
    if (s.accountTypes) options.customerTypes = s.accountTypes;
    return options;
  }

  /** The engine when it is ready, else null. */
  engine(): Engine | null {
    return this.engineState.kind === "ready" ? this.engineState.engine : null;
  }

  /** The last dedup report (null until the first run after indexing). */
  duplicateReport(): DedupReport | null {
    return this.dedupReport;
  }

  /** Lookups over the last dedup report, for the panel's warning chips. */
  duplicates(): DuplicateIndex | null {
    return this.dedupIndex;
  }

  /** Recomputes the dedup report now (the review modal wants a fresh one). */
  runDedupNow(): DedupReport | null {
    const engine = this.engine();
    if (engine === null) return null;
    this.runDedup(engine);
    return this.dedupReport;
  }

  private runDedup(engine: Engine): void {
    let report: DedupReport;
    try {
      report = engine.dedup(this.dedupOptions() as never) as unknown as DedupReport;
    } catch (err) {
      if (isWasmTrap(err)) throw err;
      console.warn("vaultcrm: dedup failed:", errorMessage(err));
      this.dedupReport = null;
      this.dedupIndex = null;
      return;
    }
    this.dedupReport = report;
    // Dedup runs again after every burst of edits. The same report keeps
    // the same index object, so an open panel (which redraws when the
    // index is another) is left as it is.
    const text = JSON.stringify(report);
    if (this.dedupIndex !== null && text === this.dedupText) return;
    this.dedupText = text;
    this.dedupIndex = indexDuplicates(report);
  }

  /** Runs dedup once edits have settled, then refreshes the panels with its warnings. */
  private scheduleDedup(): void {
    if (this.dedupTimer !== null) window.clearTimeout(this.dedupTimer);
    this.dedupTimer = window.setTimeout(() => {
      this.dedupTimer = null;
      this.enqueue((engine) => this.runDedup(engine), false);
    }, DEDUP_DELAY_MS);
  }

  /** The panel for `path`, or null if the engine is not ready. Throws engine errors. */
  panel(path: string): AccountPanel | null {
    return this.ask((engine) => engine.panel(path));
  }

  /** The engine's version of the panel of `path` (see Engine.panelVersion); null while it is not ready. */
  panelVersion(path: string): number | null {
    return this.ask((engine) => engine.panelVersion(path));
  }

  /** The engine's version of a query's answer (see Engine.queryVersion); null while it is not ready. */
  queryVersion(source: string, originPath: string, format: string): number | null {
    return this.ask((engine) => engine.queryVersion(source, originPath, format));
  }

  /** `f` on the ready engine (null while it is not); a wasm trap stops the engine, then is thrown. */
  private ask<T>(f: (engine: Engine) => T): T | null {
    if (this.engineState.kind !== "ready") return null;
    const engine = this.engineState.engine;
    try {
      return f(engine);
    } catch (err) {
      if (isWasmTrap(err)) this.stop(engine, err);
      throw err;
    }
  }

  isAccount(panel: AccountPanel): boolean {
    const type = (panel.type ?? "").trim().toLowerCase();
    return type !== "" && accountTypes(this.settings).includes(type);
  }

  /** Opens (or reveals) the account panel in the right sidebar. */
  async openPanel(reveal: boolean): Promise<AccountView | null> {
    const { workspace } = this.app;
    let leaf: WorkspaceLeaf | null = workspace.getLeavesOfType(VIEW_TYPE_ACCOUNT)[0] ?? null;
    if (leaf === null) {
      leaf = workspace.getRightLeaf(false);
      if (leaf === null) return null;
      await leaf.setViewState({ type: VIEW_TYPE_ACCOUNT, active: false });
    }
    if (reveal) await workspace.revealLeaf(leaf);
    // Since Obsidian 1.7 a restored sidebar view stays a placeholder until shown.
    await leaf.loadIfDeferred();
    const view = leaf.view instanceof AccountView ? leaf.view : null;
    if (view !== null) this.followActiveFile(view, true);
    return view;
  }

  private views(): AccountView[] {
    return this.app.workspace
      .getLeavesOfType(VIEW_TYPE_ACCOUNT)
      .map((leaf) => leaf.view)
      .filter((view): view is AccountView => view instanceof AccountView);
  }

  /**
   * Points `view` at the active note if that note is an account, and says
   * whether it did. Other notes (a meeting opened from the panel, a person)
   * leave the panel where it was, so following a task into its meeting note
   * keeps the account in view.
   */
  followActiveFile(view: AccountView, force: boolean): boolean {
    const file = this.app.workspace.getActiveFile();
    if (file === null || file.extension !== "md") return false;
    if (view.path === file.path && !force) return false;
    let panel: AccountPanel | null;
    try {
      panel = this.panel(file.path);
    } catch {
      return false; // not indexed yet; the refresh after its upsert picks it up
    }
    if (panel === null || !this.isAccount(panel)) return false;
    view.show(file.path, panel);
    return true;
  }

  private async onActiveLeafChange(): Promise<void> {
    if (this.engineState.kind !== "ready") return;
    const views = this.views();
    if (views.length === 0) {
      if (!this.settings.autoOpen) return;
      const file = this.app.workspace.getActiveFile();
      if (file === null || file.extension !== "md") return;
      try {
        const panel = this.panel(file.path);
        if (panel !== null && this.isAccount(panel)) await this.openPanel(false);
      } catch {
        // An unindexed or unreadable note simply does not open the panel.
      }
      return;
    }
    for (const view of views) this.followActiveFile(view, false);
  }

  private registerVaultEvents(): void {
    const { vault, workspace } = this.app;
    const asMarkdown = (f: TAbstractFile): TFile | null =>
      f instanceof TFile && f.extension === "md" ? f : null;

    this.registerEvent(
      vault.on("modify", (f: TAbstractFile) => {
        const file = asMarkdown(f);
        if (file !== null) this.upsertFile(file);
      }),
    );
    this.registerEvent(
      vault.on("create", (f: TAbstractFile) => {
        const file = asMarkdown(f);
        if (file !== null) this.upsertFile(file);
      }),
    );
    this.registerEvent(
      vault.on("delete", (f: TAbstractFile) => {
        if (!isMarkdownPath(f.path)) return;
        const path = f.path;
        this.enqueue((engine) => {
          engine.remove(path);
        });
      }),
    );
    this.registerEvent(
      vault.on("rename", (f: TAbstractFile, oldPath: string) => {
        const file = asMarkdown(f);
        const wasMarkdown = isMarkdownPath(oldPath);
        if (file !== null && wasMarkdown) {
          const newPath = file.path;
          this.enqueue((engine) => {
            engine.rename(oldPath, newPath);
            for (const view of this.views()) if (view.path === oldPath) view.show(newPath);
          });
        } else if (file !== null) {
          this.upsertFile(file);
        } else if (wasMarkdown) {
          this.enqueue((engine) => {
            engine.remove(oldPath);
          });
        }
      }),
    );
    this.registerEvent(
      workspace.on("active-leaf-change", () => {
        void this.onActiveLeafChange();
      }),
    );
  }

  /** Loads the wasm once and indexes the whole vault with one crossing. */
  private async loadEngine(): Promise<void> {
    let engine: Engine;
    try {
      engine = await createEngine();
    } catch (err) {
      this.fail(`Could not load the vaultcrm engine: ${errorMessage(err)}`);
      return;
    }
    if (this.unloaded) {
      disposeQuietly(engine);
      return;
    }
    try {
      // The schema first: set on an empty index it costs nothing, set after
      // the load it would rebuild the whole graph a second time.
      this.applySchema(engine);
      const snapshot = (await this.snapshots?.load()) ?? null;
      const vault = this.app.vault;
      this.startReport = await startIndex(engine, vault.getMarkdownFiles(), (f) => vault.cachedRead(f), snapshot);
      const r = this.startReport;
      console.info(
        `vaultcrm: ${r.mode} start in ${Math.round(r.ms)} ms: ${r.restored} notes from the snapshot, ` +
          `${r.parsed} parsed, ${r.removed} gone` + (r.refused ? ` (snapshot refused: ${r.refused})` : ""),
      );
      this.snapshotDirty = r.mode === "cold" || r.parsed > 0 || r.removed > 0;
    } catch (err) {
      disposeQuietly(engine);
      this.fail(`Could not index the vault: ${errorMessage(err)}`);
      return;
    }
    if (this.unloaded) {
      disposeQuietly(engine);
      return;
    }
    this.engineState = { kind: "ready", engine };
    await this.onActiveLeafChange();
    this.scheduleRefresh();
    // Queued before dedup's timer fires, so dedup reads paragraphs with texts back.
    this.attachMissingTexts(engine);
    this.scheduleDedup();
    if (this.snapshotDirty) this.scheduleSnapshot();
  }

  /**
   * Notes restored from the snapshot come without their text, which merges
   * and dedup's paragraph scan read: hand the texts back in small queued
   * jobs after the panels are up (a file changed meanwhile is re-indexed).
   */
  private attachMissingTexts(engine: Engine): void {
    let paths: string[];
    try {
      paths = engine.missingTexts();
    } catch (err) {
      console.warn("vaultcrm: could not list the notes to read:", errorMessage(err));
      return;
    }
    for (let i = 0; i < paths.length; i += ATTACH_CHUNK) {
      const chunk = paths.slice(i, i + ATTACH_CHUNK);
      this.enqueue(async (e) => {
        for (const path of chunk) {
          const file = this.app.vault.getAbstractFileByPath(path);
          if (file instanceof TFile) e.attachText(path, await this.app.vault.cachedRead(file));
        }
      }, false);
    }
  }

  /** Writes the snapshot once edits have settled. */
  private scheduleSnapshot(): void {
    if (this.snapshotTimer !== null) window.clearTimeout(this.snapshotTimer);
    this.snapshotTimer = window.setTimeout(() => {
      this.snapshotTimer = null;
      this.enqueue((engine) => this.saveSnapshot(engine), false);
    }, SNAPSHOT_DELAY_MS);
  }

  /** Saves the index now (also the "save index snapshot" command and the tests). */
  async saveSnapshot(engine: Engine): Promise<void> {
    if (this.snapshots === null) return;
    try {
      const bytes = engine.saveSnapshot();
      this.snapshotDirty = false;
      await this.snapshots.save(bytes);
    } catch (err) {
      if (isWasmTrap(err)) throw err;
      this.snapshotDirty = true;
      console.warn("vaultcrm: could not save the index snapshot:", errorMessage(err));
    }
  }

  private fail(message: string): void {
    console.error(`vaultcrm: ${message}`);
    new Notice(message);
    this.engineState = { kind: "failed", message };
    this.scheduleRefresh();
  }

  /** After a trap the module's memory is undefined: stop using it rather than compound the damage. */
  private stop(engine: Engine, err: unknown): void {
    disposeQuietly(engine);
    this.fail(`The vaultcrm engine stopped (${errorMessage(err)}); reload the plugin to start it again.`);
  }

  private upsertFile(file: TFile): void {
    this.enqueue(async (engine) => {
      const text = await this.app.vault.cachedRead(file);
      engine.upsert(file.path, text, file.stat.mtime);
    });
  }

  /**
   * Runs `job` against the engine after every job queued before it (the
   * first queued job is the bulk load). A failing job is reported and does
   * not stop the ones after it.
   */
  private enqueue(job: (engine: Engine) => Promise<void> | void, indexChanged = true): void {
    this.queue = this.queue
      .then(async () => {
        if (this.unloaded || this.engineState.kind !== "ready") return;
        const engine = this.engineState.engine;
        try {
          await job(engine);
        } catch (err) {
          if (!isWasmTrap(err)) throw err;
          this.stop(engine, err);
          return;
        }
        this.scheduleRefresh();
        if (indexChanged) {
          this.scheduleDedup();
          this.snapshotDirty = true;
          this.scheduleSnapshot();
        }
      })
      .catch((err: unknown) => {
        console.error("vaultcrm:", err);
      });
  }

  /**
   * Re-renders open panels and query blocks in the next animation frame: a
   * burst of vault events costs one render, and an edit in another pane shows
   * up in the panel within a frame of its upsert (no re-index: the core
   * recomputes the panel from its incremental graph). A panel whose version
   * did not move (the edit touched nothing it shows) is left as it is, with
   * what the user opened, selected or scrolled to.
   */
  scheduleRefresh(): void {
    if (this.refreshFrame !== null) return;
    this.refreshFrame = window.requestAnimationFrame(() => {
      this.refreshFrame = null;
      for (const view of this.views()) {
        if (!this.followActiveFile(view, false)) view.refreshIfChanged();
      }
      this.blocks.refresh();
    });
  }
}

/** Multi-member (or ambiguous) clusters by folded surface form; entry groups by path:line. */
function indexDuplicates(report: DedupReport): DuplicateIndex {
  const clusters = new Map<string, ContactCluster>();
  for (const c of report.contacts.clusters) {
    if (c.members.length < 2 && !c.ambiguous) continue;
    for (const m of c.members) {
      const key = m.trim().toLowerCase();
      const prev = clusters.get(key);
      // An exact name that is also a candidate of an ambiguous first name keeps its real cluster.
      if (prev === undefined || (prev.ambiguous && !c.ambiguous)) clusters.set(key, c);
    }
  }
  const groups = new Map<string, EntryGroup>();
  for (const g of report.entries.groups) {
    const members = g.members.length > 0 ? g.members : g.lines.map((line) => ({ path: g.path, line, uniqueFacts: [] }));
    if (members.length < 2) continue;
    for (const m of members) groups.set(`${m.path}:${m.line}`, g);
  }
  return {
    clusterOf: (name) => clusters.get(name.trim().toLowerCase()) ?? null,
    groupOf: (path, line) => groups.get(`${path}:${line}`) ?? null,
  };
}
