/**
 * The stable identity of a finding across runs (issue #9): SARIF `partialFingerprints` (so GitHub
 * code scanning tracks an alert instead of opening a new one after every edit above it) and the
 * key of `audit --baseline`. Built from what does not move when lines are added above the finding:
 * the rule, the file, the subject and the message with line numbers blanked. Pure.
 */
import type {Finding} from './finding.js'

/** The SARIF `partialFingerprints` key regctl's fingerprint is stored under. */
export const FINGERPRINT_KEY = 'regctlFinding/v1'

/** `line 12`, `(line 5)`, `Dockerfile:12` → line-free. */
function withoutLines(text: string): string {
  return text.replace(/\bline \d+\b/g, 'line').replace(/(\.[A-Za-z0-9]+|Dockerfile|Containerfile):\d+\b/g, '$1')
}

/** sha256 (hex) of rule, file, subject and message without line numbers. */
export function findingFingerprint(finding: Pick<Finding, 'ruleId' | 'location' | 'subject' | 'message'>): string {
  // node:crypto loads on the first fingerprint, not at start-up (issue 10: an audit sends its
  // first request long before it fingerprints a finding).
  return process
    .getBuiltinModule('node:crypto')
    .createHash('sha256')
    .update([finding.ruleId, finding.location?.file ?? '', finding.subject ?? '', withoutLines(finding.message)].join('\u0000'))
    .digest('hex')
}
