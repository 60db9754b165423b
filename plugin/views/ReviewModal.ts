// ReviewModal.ts - "Review duplicates": the contact clusters and entry groups
// the core found, with confidence, evidence and a choice of canonical name.
//
// Read-only for now: the merge layer (core/merge, engine.mergePlan) has not
// landed, so "Preview" asks the core for a plan and shows its answer
// (not_implemented until then); nothing is written. Ambiguous clusters are
// listed but can never be selected for a merge.
import { App, Modal } from "obsidian";
import type { ContactCluster, DedupReport, EntryGroup } from "../../wasm/js/types-dedup";
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
        "Review only: merging needs the core's merge plans, which this build does not have yet. " +
        "Nothing in the vault is changed from here.",
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
      apply.disabled = true;
      apply.setAttr("title", "Needs the core's merge plans (not in this build)");
    }
  }

  private preview(c: ContactCluster, out: HTMLElement): void {
    out.empty();
    const engine = this.plugin.engine();
    if (engine === null) {
      out.setText("The engine is not ready.");
      return;
    }
    const canonical = this.chosen.get(c.id) ?? c.canonical;
    try {
      const plan = engine.mergePlan({ kind: "contacts", canonical, members: c.members.filter((m) => m !== canonical) });
      out.createEl("pre", { cls: "vaultcrm-review-plan-json", text: JSON.stringify(plan, null, 2).slice(0, 4000) });
    } catch (err) {
      out.createDiv({
        cls: "vaultcrm-review-unavailable",
        text: `No preview: ${errorMessage(err)}. The core refused to merge ${c.members.filter((m) => m !== canonical).join(", ")} into ${canonical}.`,
      });
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
