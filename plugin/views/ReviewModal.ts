// ReviewModal.ts - "Review duplicates": the contact clusters and entry groups
// the core found, with confidence, evidence and a choice of canonical name.
//
// "Preview merge" asks the core for a merge plan and shows what it would do
// (files touched, links rewritten, conflicts); "Apply" asks for the plan again
// right before writing (so it matches the vault as it is now) and applies it
// through the plugin, all or nothing; "vaultcrm: Undo last merge" reverts it.
// Ambiguous clusters are listed but can never be selected for a merge.
// Everything shown goes in as text, never as HTML.
import { App, Modal, Notice } from "obsidian";
import type { ContactCluster, DedupReport, EntryGroup } from "../../wasm/js/types-dedup";
import type { ContactMergeRequest, MergePlan } from "../../wasm/js/types-merge";
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
      const actions = box.createDiv({ cls: "vaultcrm-review-actions" });
      const preview = actions.createEl("button", { cls: "vaultcrm-review-preview", text: "Preview merge" });
      const out = box.createDiv({ cls: "vaultcrm-review-plan" });
      preview.addEventListener("click", () => this.preview(c, out));
      const apply = actions.createEl("button", { cls: "mod-cta vaultcrm-review-apply", text: "Apply" });
      apply.addEventListener("click", () => {
        void this.apply(c, box, apply, out);
      });
    }
  }

  private request(c: ContactCluster): ContactMergeRequest {
    const canonical = this.chosen.get(c.id) ?? c.canonical;
    return { kind: "contacts", canonical, members: c.members.filter((m) => m !== canonical) };
  }

  private label(req: ContactMergeRequest): string {
    return `merge of ${req.members.join(", ")} into ${req.canonical}`;
  }

  private preview(c: ContactCluster, out: HTMLElement): void {
    out.empty();
    const engine = this.plugin.engine();
    if (engine === null) {
      out.setText("The engine is not ready.");
      return;
    }
    const req = this.request(c);
    let plan: MergePlan;
    try {
      plan = engine.mergePlan(req);
    } catch (err) {
      out.createDiv({
        cls: "vaultcrm-review-unavailable",
        text: `No preview: ${errorMessage(err)}. The core refused to merge ${req.members.join(", ")} into ${req.canonical}.`,
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
    if (s.warnings.length > 0) {
      const wl = out.createEl("ul", { cls: "vaultcrm-review-warnings" });
      for (const w of s.warnings) wl.createEl("li", { text: w });
    }
  }

  /** Plans again against the vault as it is now, applies, and reports. */
  private async apply(c: ContactCluster, box: HTMLElement, button: HTMLButtonElement, out: HTMLElement): Promise<void> {
    button.disabled = true;
    const req = this.request(c);
    const label = this.label(req);
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
        text: `Applied. Run "vaultcrm: Undo last merge" to put these files back.`,
      });
      box.addClass("is-applied");
      new Notice(`vaultcrm: applied the ${label} (${plan.edits.length} files).`);
    } catch (err) {
      button.disabled = false;
      out.createDiv({ cls: "vaultcrm-review-error", text: `Not applied: ${errorMessage(err)}` });
      new Notice(`vaultcrm: the ${label} was not applied: ${errorMessage(err)}`);
    }
  }

  private renderGroup(parent: HTMLElement, g: EntryGroup): void {
    const box = parent.createDiv({ cls: "vaultcrm-review-group" });
    const head = box.createDiv({ cls: "vaultcrm-review-head" });
    head.createSpan({ cls: "vaultcrm-name", text: `${basename(g.path)} › ${g.section}` });
    head.createSpan({ cls: "vaultcrm-chip vaultcrm-dup is-duplicate", text: g.kind });
    head.createSpan({ cls: "vaultcrm-badge vaultcrm-confidence", text: percent(g.confidence) });
    if (g.why) box.createDiv({ cls: "vaultcrm-review-why", text: g.why });
    const list = box.createEl("ul", { cls: "vaultcrm-review-evidence" });
    const members = g.members.length > 0 ? g.members : g.lines.map((line) => ({ path: g.path, line, uniqueFacts: [] as string[] }));
    for (const m of members) {
      const keep = m.line === g.keep && m.path === (g.keepPath || g.path);
      const li = list.createEl("li", { text: `${basename(m.path)}:${m.line}${keep ? " (keep)" : ""}` });
      if (m.uniqueFacts.length > 0) li.createSpan({ cls: "vaultcrm-review-facts", text: ` only here: ${m.uniqueFacts.join(", ")}` });
    }
  }
}
