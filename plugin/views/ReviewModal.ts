// ReviewModal.ts - "Review duplicates": the contact clusters and entry groups
// the core found, with confidence, evidence and a choice of canonical name
// (clusters) or of the entry to keep (groups).
//
// "Preview" asks the core for a merge plan and shows what it would do (files
// touched, links rewritten, conflicts; for entries, which lines go, which stay
// because they hold facts the kept one lacks, and what the kept line becomes);
// "Apply" asks for the plan again right before writing (so it matches the
// vault as it is now) and applies it through the plugin, all or nothing;
// "Undo" here or the command "vaultcrm: Undo last merge" reverts it.
// Ambiguous clusters are listed but can never be selected for a merge.
// Everything shown goes in as text, never as HTML.
import { App, Modal, Notice, TFile } from "obsidian";
import type { ContactCluster, DedupReport, EntryGroup, EntryGroupMember } from "../../wasm/js/types-dedup";
import type { ContactMergeRequest, EntryCleanupRequest, MergePlan, MergeRequest } from "../../wasm/js/types-merge";
import type VaultCrmPlugin from "../main";
import { basename } from "./AccountView";

function percent(x: number): string {
  return `${Math.round(x * 100)}%`;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class ReviewDuplicatesModal extends Modal {
  private report: DedupReport | null = null;
  /** Canonical name chosen per cluster id. */
  private readonly chosen = new Map<number, string>();
  /** Clusters whose merged person notes the user chose to delete rather than redirect. */
  private readonly deleteMerged = new Set<number>();
  /** Line kept per entry group (keyed by groupKey). */
  private readonly kept = new Map<string, number>();
  /** What happens to facts only a removed entry holds, per entry group. */
  private readonly factChoice = new Map<string, "keep-both" | "append">();

  constructor(
    app: App,
    private readonly plugin: VaultCrmPlugin,
  ) {
    super(app);
  }

  onOpen(): void {
    this.titleEl.setText("Review duplicates");
    this.modalEl.addClass("vaultcrm-review");
    this.report = this.plugin.runDedupNow();
    this.render();
  }

  onClose(): void {
    this.contentEl.empty();
  }

  private render(): void {
    const root = this.contentEl;
    root.empty();
    const report = this.report;
    if (report === null) {
      root.createDiv({ cls: "vaultcrm-placeholder", text: "The engine is not ready, or dedup failed; try again in a moment." });
      return;
    }
    root.createDiv({
      cls: "vaultcrm-review-note",
      text:
        "Preview a merge to see every file it changes. Apply writes all of it or nothing; " +
        "the command \"vaultcrm: Undo last merge\" puts the files back as they were.",
    });
    const clusters = report.contacts.clusters
      .filter((c) => c.members.length > 1 || c.ambiguous)
      .sort((a, b) => Number(a.ambiguous) - Number(b.ambiguous) || b.confidence - a.confidence);
    const contacts = root.createDiv({ cls: "vaultcrm-review-section" });
    contacts.createEl("h3", { text: `Contacts (${clusters.length})` });
    if (clusters.length === 0) contacts.createDiv({ cls: "vaultcrm-empty", text: "No duplicate contacts found." });
    for (const c of clusters) this.renderCluster(contacts, c);

    const groups = report.entries.groups.filter((g) => g.members.length > 1 || g.lines.length > 1);
    const entries = root.createDiv({ cls: "vaultcrm-review-section" });
    entries.createEl("h3", { text: `Duplicate entries (${groups.length})` });
    if (groups.length === 0) entries.createDiv({ cls: "vaultcrm-empty", text: "No duplicate entries found." });
    for (const g of groups) this.renderGroup(entries, g);
  }

  private renderCluster(parent: HTMLElement, c: ContactCluster): void {
    const box = parent.createDiv({ cls: ["vaultcrm-review-cluster", c.ambiguous ? "is-ambiguous" : "is-mergeable"] });
    box.setAttr("data-cluster", c.id);
    const head = box.createDiv({ cls: "vaultcrm-review-head" });
    head.createSpan({ cls: "vaultcrm-name", text: c.canonical });
    head.createSpan({ cls: "vaultcrm-badge vaultcrm-confidence", text: percent(c.confidence) });
    if (c.ambiguous) head.createSpan({ cls: "vaultcrm-chip vaultcrm-dup is-ambiguous", text: "ambiguous: a person must decide" });
    const ev = box.createEl("ul", { cls: "vaultcrm-review-evidence" });
    for (const e of c.evidence) ev.createEl("li", { text: e });
    if (c.ambiguous) {
      box.createDiv({ cls: "vaultcrm-review-candidates", text: `Could be: ${c.candidates.join(", ")}` });
    }
    const where = [
      c.accounts.length > 0 ? `accounts: ${c.accounts.map(basename).join(", ")}` : "",
      c.companies.length > 0 ? `companies: ${c.companies.join(", ")}` : "",
      c.notes.length > 0 ? `notes: ${c.notes.join(", ")}` : "",
    ].filter((s) => s !== "");
    if (where.length > 0) box.createDiv({ cls: "vaultcrm-review-where", text: where.join(" · ") });

    const members = box.createDiv({ cls: "vaultcrm-review-members" });
    members.createDiv({ cls: "vaultcrm-label", text: c.ambiguous ? "Forms seen" : "Canonical name" });
    const chosen = this.chosen.get(c.id) ?? c.canonical;
    for (const m of c.members) {
      const detail = c.memberDetail.find((d) => d.surface === m);
      const row = members.createEl("label", { cls: "vaultcrm-review-member" });
      const radio = row.createEl("input", { type: "radio", attr: { name: `vaultcrm-canonical-${c.id}` } });
      radio.value = m;
      radio.checked = m === chosen;
      radio.disabled = c.ambiguous || !c.mergeable;
      radio.addEventListener("change", () => this.chosen.set(c.id, m));
      row.appendText(` ${m}`);
      if (detail !== undefined) {
        row.createSpan({ cls: "vaultcrm-review-kind", text: ` ${detail.kind}, ×${detail.count}, ${percent(detail.confidence)}` });
      }
    }
    if (!c.ambiguous && c.mergeable) {
      // Merged person notes become redirect notes unless the user ticks this.
      if (c.notes.length > 1) {
        const row = box.createEl("label", { cls: "vaultcrm-review-delete" });
        const tick = row.createEl("input", { type: "checkbox", cls: "vaultcrm-review-delete-merged" });
        tick.checked = this.deleteMerged.has(c.id);
        tick.addEventListener("change", () => {
          if (tick.checked) this.deleteMerged.add(c.id);
          else this.deleteMerged.delete(c.id);
        });
        row.appendText(" Delete the merged person notes (instead of leaving a note that links to the kept one)");
      }
      const actions = box.createDiv({ cls: "vaultcrm-review-actions" });
      const preview = actions.createEl("button", { cls: "vaultcrm-review-preview", text: "Preview merge" });
      const out = box.createDiv({ cls: "vaultcrm-review-plan" });
      preview.addEventListener("click", () => this.preview(this.request(c), out));
      const apply = actions.createEl("button", { cls: "mod-cta vaultcrm-review-apply", text: "Apply" });
      apply.addEventListener("click", () => {
        const req = this.request(c);
        void this.apply(req, this.label(req), box, apply, out);
      });
    }
  }

  private request(c: ContactCluster): ContactMergeRequest {
    const canonical = this.chosen.get(c.id) ?? c.canonical;
    const req: ContactMergeRequest = { kind: "contacts", canonical, members: c.members.filter((m) => m !== canonical) };
    if (this.deleteMerged.has(c.id)) req.deleteMergedNotes = true;
    return req;
  }

  private label(req: MergeRequest): string {
    if (req.kind === "contacts") return `merge of ${req.members.join(", ")} into ${req.canonical}`;
    const g = req.groups[0];
    if (g === undefined) return "entry cleanup";
    return `cleanup of ${basename(g.path)} lines ${g.lines.join(", ")} (keeping ${g.keep})`;
  }

  private preview(req: MergeRequest, out: HTMLElement): void {
    out.empty();
    const engine = this.plugin.engine();
    if (engine === null) {
      out.setText("The engine is not ready.");
      return;
    }
    let plan: MergePlan;
    try {
      plan = engine.mergePlan(req);
    } catch (err) {
      out.createDiv({
        cls: "vaultcrm-review-unavailable",
        text: `No preview: ${errorMessage(err)}. The core refused the ${this.label(req)}.`,
      });
      return;
    }
    this.renderPlan(out, plan);
  }

  /** A readable plan: counts, the files it writes (and how), conflicts, warnings. */
  private renderPlan(out: HTMLElement, plan: MergePlan): void {
    const s = plan.summary;
    const files = plan.edits.length;
    out.createDiv({
      cls: "vaultcrm-review-plan-summary",
      text:
        `${files} file${files === 1 ? "" : "s"} touched · ` +
        `${s.linksRewritten} link${s.linksRewritten === 1 ? "" : "s"} rewritten · ` +
        `${s.conflicts} conflict${s.conflicts === 1 ? "" : "s"}` +
        (s.rowsMerged > 0 ? ` · ${s.rowsMerged} table row${s.rowsMerged === 1 ? "" : "s"} merged` : "") +
        (s.bulletsCollapsed > 0 ? ` · ${s.bulletsCollapsed} bullet${s.bulletsCollapsed === 1 ? "" : "s"} collapsed` : ""),
    });
    const list = out.createEl("ul", { cls: "vaultcrm-review-files" });
    for (const e of plan.edits) {
      const how = e.newText === null
        ? "deleted"
        : e.oldHash === null
          ? "created"
          : s.redirected.includes(e.path)
            ? "becomes a redirect note"
            : "modified";
      const links = plan.linksRewritten.filter((l) => l.path === e.path).length;
      const li = list.createEl("li", { cls: "vaultcrm-review-file" });
      li.setAttr("data-path", e.path);
      li.createSpan({ cls: "vaultcrm-review-file-path", text: e.path });
      li.createSpan({
        cls: "vaultcrm-review-file-how",
        text: ` (${how}${links > 0 ? `, ${links} link${links === 1 ? "" : "s"}` : ""})`,
      });
    }
    if (plan.conflicts.length > 0) {
      out.createDiv({ cls: "vaultcrm-label", text: "Conflicts (both values kept)" });
      const cl = out.createEl("ul", { cls: "vaultcrm-review-conflicts" });
      for (const k of plan.conflicts) cl.createEl("li", { text: `${k.key}: ${k.values.join(" | ")} (${k.kept})` });
    }
    if (plan.entries.length > 0) this.renderOutcomes(out, plan);
    if (s.warnings.length > 0) {
      const wl = out.createEl("ul", { cls: "vaultcrm-review-warnings" });
      for (const w of s.warnings) wl.createEl("li", { text: w });
    }
  }

  /**
   * What an entry cleanup does, line by line: the text of each removed line
   * (from the inverse edit, i.e. the file as it is now), the lines kept because
   * they hold facts the kept entry lacks, and the kept line as it will read.
   */
  private renderOutcomes(out: HTMLElement, plan: MergePlan): void {
    const before = new Map<string, string[]>();
    const after = new Map<string, string[]>();
    for (const e of plan.inverse) if (e.newText !== null) before.set(e.path, splitLines(e.newText));
    for (const e of plan.edits) if (e.newText !== null) after.set(e.path, splitLines(e.newText));
    const list = out.createEl("ul", { cls: "vaultcrm-review-outcomes" });
    for (const o of plan.entries) {
      const li = list.createEl("li", { cls: "vaultcrm-review-outcome" });
      li.setAttr("data-path", o.path);
      li.createDiv({ cls: "vaultcrm-review-outcome-note", text: `${basename(o.path)} › ${o.section}: ${o.note}` });
      const old = before.get(o.path) ?? [];
      const lines = li.createEl("ul", { cls: "vaultcrm-review-outcome-lines" });
      for (const r of o.removed) {
        const row = lines.createEl("li", { cls: "vaultcrm-review-removed", text: `line ${r.line} removed: ${old[r.line - 1] ?? ""}` });
        row.setAttr("data-line", String(r.line));
      }
      for (const k of o.keptBoth) {
        const row = lines.createEl("li", {
          cls: "vaultcrm-review-kept-both",
          text: `line ${k.line} stays (it holds facts the kept entry lacks): ${old[k.line - 1] ?? ""}`,
        });
        row.setAttr("data-line", String(k.line));
      }
      if (o.appendedFacts.length > 0) {
        lines.createEl("li", { cls: "vaultcrm-review-appended", text: `the kept entry gains: ${o.appendedFacts.join(", ")}` });
      }
      // Where the kept line lands once the removed lines above it (of any group in this file) are gone.
      const shift = plan.entries.flatMap((x) => x.removed).filter((r) => r.path === o.path && r.line < o.keep).length;
      const now = after.get(o.path)?.[o.keep - 1 - shift];
      if (now !== undefined) {
        const row = lines.createEl("li", { cls: "vaultcrm-review-kept", text: `line ${o.keep} kept as: ${now}` });
        row.setAttr("data-line", String(o.keep));
      }
    }
  }

  /** Plans again against the vault as it is now, applies, and reports. */
  private async apply(req: MergeRequest, label: string, box: HTMLElement, button: HTMLButtonElement, out: HTMLElement): Promise<void> {
    button.disabled = true;
    try {
      await this.plugin.whenIndexed();
      const engine = this.plugin.engine();
      if (engine === null) throw new Error("the engine is not ready");
      const plan = engine.mergePlan(req);
      await this.plugin.applyMerge(plan, label);
      out.empty();
      this.renderPlan(out, plan);
      out.createDiv({
        cls: "vaultcrm-review-applied",
        text: `Applied. "Undo" (or the command "vaultcrm: Undo last merge") puts these files back.`,
      });
      box.addClass("is-applied");
      this.addUndo(box, button, out);
      new Notice(`vaultcrm: applied the ${label} (${plan.edits.length} files).`);
    } catch (err) {
      button.disabled = false;
      out.createDiv({ cls: "vaultcrm-review-error", text: `Not applied: ${errorMessage(err)}` });
      new Notice(`vaultcrm: the ${label} was not applied: ${errorMessage(err)}`);
    }
  }

  /** After an apply: an Undo button that reverts the last merge (this one, unless another came after). */
  private addUndo(box: HTMLElement, applyButton: HTMLButtonElement, out: HTMLElement): void {
    const actions = box.querySelector(".vaultcrm-review-actions");
    if (!(actions instanceof HTMLElement)) return;
    const undo = actions.createEl("button", { cls: "vaultcrm-review-undo", text: "Undo" });
    undo.addEventListener("click", () => {
      undo.disabled = true;
      void this.plugin.undoLastMerge().then((done) => {
        if (!done) {
          undo.disabled = false;
          return;
        }
        undo.remove();
        box.removeClass("is-applied");
        box.addClass("is-undone");
        applyButton.disabled = false;
        out.querySelector(".vaultcrm-review-applied")?.remove();
        out.createDiv({ cls: "vaultcrm-review-undone", text: "Undone: the files are back as they were." });
      });
    });
  }

  private renderGroup(parent: HTMLElement, g: EntryGroup): void {
    const key = groupKey(g);
    const box = parent.createDiv({ cls: "vaultcrm-review-group" });
    box.setAttr("data-path", g.path);
    box.setAttr("data-lines", g.lines.join(","));
    box.setAttr("data-kind", g.kind);
    const head = box.createDiv({ cls: "vaultcrm-review-head" });
    head.createSpan({ cls: "vaultcrm-name", text: `${basename(g.path)} › ${g.section}` });
    head.createSpan({ cls: "vaultcrm-chip vaultcrm-dup is-duplicate", text: g.kind });
    head.createSpan({ cls: "vaultcrm-badge vaultcrm-confidence", text: percent(g.confidence) });
    if (g.why) box.createDiv({ cls: "vaultcrm-review-why", text: g.why });
    const members: EntryGroupMember[] =
      g.members.length > 0 ? g.members : g.lines.map((line) => ({ path: g.path, line, uniqueFacts: [] as string[] }));
    // The core cleans up the entries of one note: the lines in the kept note.
    const keepPath = g.keepPath || g.path;
    const local = [...new Set(members.filter((m) => m.path === keepPath).map((m) => m.line))].sort((a, b) => a - b);
    const cleanable = local.length >= 2 && local.includes(g.keep);
    if (cleanable) box.addClass("is-cleanable");
    const keep = this.kept.get(key) ?? g.keep;
    const list = box.createEl("ul", { cls: "vaultcrm-review-entries" });
    const texts = new Map<string, HTMLElement>();
    for (const m of members) {
      const li = list.createEl("li", { cls: "vaultcrm-review-entry" });
      li.setAttr("data-path", m.path);
      li.setAttr("data-line", String(m.line));
      const row = li.createEl("label", { cls: "vaultcrm-review-entry-head" });
      if (cleanable && m.path === keepPath) {
        const radio = row.createEl("input", { type: "radio", attr: { name: `vaultcrm-keep-${key}` } });
        radio.value = String(m.line);
        radio.checked = m.line === keep;
        radio.addEventListener("change", () => this.kept.set(key, m.line));
      }
      row.createSpan({ cls: "vaultcrm-review-entry-where", text: ` ${basename(m.path)}:${m.line}${m.line === g.keep && m.path === keepPath ? " (suggested keep)" : ""}` });
      texts.set(`${m.path}:${m.line}`, li.createDiv({ cls: "vaultcrm-review-entry-text" }));
      if (m.uniqueFacts.length > 0) {
        li.createDiv({ cls: "vaultcrm-review-facts", text: `only here: ${m.uniqueFacts.join(", ")}` });
      }
    }
    void this.fillEntryTexts(texts);
    if (!cleanable) {
      box.createDiv({
        cls: "vaultcrm-review-where",
        text: "These entries sit in different notes; the cleanup works within one note, so edit them by hand.",
      });
      return;
    }
    if (members.some((m) => m.uniqueFacts.length > 0)) {
      const row = box.createEl("label", { cls: "vaultcrm-review-unique" });
      row.appendText("Facts only a removed entry holds: ");
      const select = row.createEl("select", { cls: "vaultcrm-review-unique-facts" });
      const choice = this.factChoice.get(key) ?? "keep-both";
      for (const [value, text] of [
        ["keep-both", "keep both entries"],
        ["append", "append them to the kept entry"],
      ] as const) {
        const opt = select.createEl("option", { text, value });
        opt.selected = value === choice;
      }
      select.addEventListener("change", () => this.factChoice.set(key, select.value === "append" ? "append" : "keep-both"));
    }
    const actions = box.createDiv({ cls: "vaultcrm-review-actions" });
    const preview = actions.createEl("button", { cls: "vaultcrm-review-preview", text: "Preview cleanup" });
    const out = box.createDiv({ cls: "vaultcrm-review-plan" });
    const request = (): EntryCleanupRequest => ({
      kind: "entries",
      groups: [{ path: keepPath, lines: local, keep: this.kept.get(key) ?? g.keep }],
      uniqueFacts: this.factChoice.get(key) ?? "keep-both",
    });
    preview.addEventListener("click", () => this.preview(request(), out));
    const apply = actions.createEl("button", { cls: "mod-cta vaultcrm-review-apply", text: "Apply" });
    apply.addEventListener("click", () => {
      const req = request();
      void this.apply(req, this.label(req), box, apply, out);
    });
  }

  /** Shows each listed entry's line as the file reads now (the report has line numbers only). */
  private async fillEntryTexts(texts: Map<string, HTMLElement>): Promise<void> {
    const files = new Map<string, string[] | null>();
    for (const [where, el] of texts) {
      const colon = where.lastIndexOf(":");
      const path = where.slice(0, colon);
      const line = Number(where.slice(colon + 1));
      if (!files.has(path)) {
        const file = this.app.vault.getAbstractFileByPath(path);
        files.set(path, file instanceof TFile ? splitLines(await this.app.vault.cachedRead(file)) : null);
      }
      const text = files.get(path)?.[line - 1];
      if (text !== undefined) el.setText(text.trim());
    }
  }
}

/** Lines without their terminators (CRLF or LF), as the core numbers them. */
function splitLines(text: string): string[] {
  return text.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
}

/** A stable key for an entry group within one report. */
function groupKey(g: EntryGroup): string {
  return `${g.keepPath || g.path}:${g.lines.join(",")}`.replace(/[^A-Za-z0-9:,_-]/g, "_");
}
