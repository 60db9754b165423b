// Long lists in the account panel: with "Items per section" at 1, a person
// other accounts share shows one account chip and "+N more", which shows
// them all; the "shared" chip's tooltip names them.
//
// Needs the built demo (npm run build:plugin && npm run build:demo, after the
// wasm build) and Debian's chromium. Run: node --test tests/browser/
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { useDemo, openAccount } from "./harness.mjs";

const demo = useDemo();
let page = null;
before(async () => {
  ({ page } = await demo.ready);
  // The plugin reads its settings at load: store them, then load again.
  await page.evaluate(() =>
    localStorage.setItem("obsidian-shim:plugin-data:vaultcrm", JSON.stringify({ sectionLimit: 1 })),
  );
  await page.reload();
});

test("a person shared with more accounts than a section shows gets '+N more'", async () => {
  // Rosa Quintero, the account executive, is a contact of all three sample accounts.
  await openAccount(page, "Customers/Kolej Bałtycka Północ.md");
  const rosa = page.locator(".vaultcrm-shared-person").filter({ hasText: "Rosa Quintero" });
  await rosa.waitFor();
  assert.equal(await rosa.locator(".vaultcrm-link").count(), 1);
  const more = rosa.locator(".vaultcrm-more-accounts");
  assert.equal(await more.textContent(), "+1 more");
  await more.click();
  // Still the same note: the click did not open the contact's line elsewhere.
  await rosa.locator(".vaultcrm-link").nth(1).waitFor();
  assert.deepEqual((await rosa.locator(".vaultcrm-link").allTextContents()).sort(), ["Grupo Saúde Ribeirinha", "Åkerlund & Dotter"]);
  assert.equal(await rosa.locator(".vaultcrm-more-accounts").count(), 0);
  // Rosa is the sixth contact: Show all, then her "shared" chip names both accounts.
  await page.locator(".vaultcrm-section-contacts > .vaultcrm-section-body > .vaultcrm-more").click();
  const chip = page.locator(".vaultcrm-contact").filter({ hasText: "Rosa Quintero" }).locator(".vaultcrm-shared");
  assert.equal(await chip.textContent(), "shared ×2");
  assert.match(await chip.getAttribute("title"), /^Also a contact of (Grupo Saúde Ribeirinha, Åkerlund & Dotter|Åkerlund & Dotter, Grupo Saúde Ribeirinha)$/);
  // Another account's panel starts collapsed again.
  await openAccount(page, "Customers/Åkerlund & Dotter.md");
  const again = page.locator(".vaultcrm-shared-person").filter({ hasText: "Rosa Quintero" });
  await again.waitFor();
  assert.equal(await again.locator(".vaultcrm-link").count(), 1);
  assert.equal(await again.locator(".vaultcrm-more-accounts").textContent(), "+1 more");
});

test("no page errors, console errors or dialogs", () => {
  assert.deepEqual(demo.problems, []);
});
