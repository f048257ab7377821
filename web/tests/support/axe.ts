// Accessibility check of the page as it is now: axe-core with the WCAG 2.0/2.1 A and AA rules; serious and critical
// violations fail the test, and every violation found (of any impact) is attached to the report.
import { AxeBuilder } from '@axe-core/playwright';
import { expect, type Page, type TestInfo } from '@playwright/test';

export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

export async function expectNoSeriousA11yViolations(page: Page, testInfo: TestInfo, label = page.url()): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  const summary = results.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    nodes: violation.nodes.map((node) => node.target.join(' ')),
  }));
  await testInfo.attach(`axe ${label}`, { body: JSON.stringify(summary, null, 2), contentType: 'application/json' });
  console.log(`axe ${label}: ${summary.length === 0 ? 'no violations' : summary.map((v) => `${v.id} (${v.impact}, ${v.nodes.length})`).join(', ')}`);
  const blocking = summary.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
  expect(blocking, `serious or critical WCAG violations on ${label}`).toEqual([]);
}
