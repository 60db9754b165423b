// settings.ts - what a vault can tune, and the tab that edits it.
//
// Two kinds of setting live here. The panel options (which notes count as
// accounts, auto-open, how much Recent Context to show) are used by the
// plugin today. The section headings are the vault's schema: they say which
// heading means which relation. The core owns that mapping (core/schema), so
// the plugin only stores them; `schemaOverrides()` is what will be handed to
// the engine once it accepts a schema.
import { App, PluginSettingTab, Setting } from "obsidian";
import type VaultCrmPlugin from "./main";

export interface SchemaHeadings {
  accountStatus: string;
  keyContacts: string;
  collaborators: string;
  recentContext: string;
}

export interface VaultCrmSettings {
  headings: SchemaHeadings;
  /** Frontmatter `type` values that make a note an account. */
  accountTypes: string[];
  /** Open the panel by itself when an account note becomes active. */
  autoOpen: boolean;
  /** Items each panel section shows before "Show all". 0 shows everything. */
  sectionLimit: number;
}

// The defaults are the headings of the seed note (Customers/Microsoft.md).
export const DEFAULT_SETTINGS: VaultCrmSettings = {
  headings: {
    accountStatus: "Account Status",
    keyContacts: "Key Contacts",
    collaborators: "Collaborators",
    recentContext: "Recent Context",
  },
  accountTypes: ["customer", "account"],
  autoOpen: true,
  sectionLimit: 8,
};

/** Merges stored data over the defaults; unknown or mistyped fields fall back. */
export function settingsFrom(data: unknown): VaultCrmSettings {
  const d = (typeof data === "object" && data !== null ? data : {}) as Partial<
    Record<keyof VaultCrmSettings, unknown>
  >;
  const h = (typeof d.headings === "object" && d.headings !== null ? d.headings : {}) as Partial<
    Record<keyof SchemaHeadings, unknown>
  >;
  const str = (v: unknown, fallback: string) =>
    typeof v === "string" && v.trim() !== "" ? v.trim() : fallback;
  const defaults = DEFAULT_SETTINGS;
  return {
    headings: {
      accountStatus: str(h.accountStatus, defaults.headings.accountStatus),
      keyContacts: str(h.keyContacts, defaults.headings.keyContacts),
      collaborators: str(h.collaborators, defaults.headings.collaborators),
      recentContext: str(h.recentContext, defaults.headings.recentContext),
    },
    accountTypes:
      Array.isArray(d.accountTypes) && d.accountTypes.every((t) => typeof t === "string")
        ? (d.accountTypes as string[])
        : [...defaults.accountTypes],
    autoOpen: typeof d.autoOpen === "boolean" ? d.autoOpen : defaults.autoOpen,
    sectionLimit:
      typeof d.sectionLimit === "number" && d.sectionLimit >= 0 ? Math.floor(d.sectionLimit) : defaults.sectionLimit,
  };
}

export class VaultCrmSettingTab extends PluginSettingTab {
  private readonly plugin: VaultCrmPlugin;

  constructor(app: App, plugin: VaultCrmPlugin) {
    super(app, plugin);
    this.plugin = plugin;
  }

  display(): void {
    const { containerEl } = this;
    containerEl.empty();
    const settings = this.plugin.settings;

    new Setting(containerEl).setName("Account panel").setHeading();

    new Setting(containerEl)
      .setName("Account note types")
      .setDesc("Values of the frontmatter field type that make a note an account, separated by commas.")
      .addText((text) =>
        text
          .setPlaceholder("customer, account")
          .setValue(settings.accountTypes.join(", "))
          .onChange(async (value) => {
            const types = value
              .split(",")
              .map((t) => t.trim().toLowerCase())
              .filter((t) => t !== "");
            settings.accountTypes = types.length > 0 ? types : [...DEFAULT_SETTINGS.accountTypes];
            await this.plugin.saveSettings();
          }),
      );

    new Setting(containerEl)
      .setName("Open the panel automatically")
      .setDesc("Show the account panel in the right sidebar when an account note becomes active.")
      .addToggle((toggle) =>
        toggle.setValue(settings.autoOpen).onChange(async (value) => {
          settings.autoOpen = value;
          await this.plugin.saveSettings();
        }),
      );

    new Setting(containerEl)
      .setName("Items per section")
      .setDesc("How many contacts, collaborators, entries or tasks a section shows before \"Show all\". 0 shows everything.")
      .addText((text) =>
        text
          .setPlaceholder(String(DEFAULT_SETTINGS.sectionLimit))
          .setValue(String(settings.sectionLimit))
          .onChange(async (value) => {
            const n = Number.parseInt(value, 10);
            if (Number.isNaN(n) || n < 0) return;
            settings.sectionLimit = n;
            await this.plugin.saveSettings();
          }),
      );

    new Setting(containerEl)
      .setName("Section headings")
      .setDesc(
        "Which headings hold which part of an account note. Stored with the vault's settings; " +
          "the core reads the default headings until it accepts a custom schema.",
      )
      .setHeading();

    const headingRows: Array<[keyof SchemaHeadings, string]> = [
      ["accountStatus", "Status table"],
      ["keyContacts", "Key contacts"],
      ["collaborators", "Collaborators table"],
      ["recentContext", "Recent context"],
    ];
    for (const [key, name] of headingRows) {
      new Setting(containerEl).setName(name).addText((text) =>
        text
          .setPlaceholder(DEFAULT_SETTINGS.headings[key])
          .setValue(settings.headings[key])
          .onChange(async (value) => {
            settings.headings[key] = value.trim() !== "" ? value.trim() : DEFAULT_SETTINGS.headings[key];
            await this.plugin.saveSettings();
          }),
      );
    }
  }
}
