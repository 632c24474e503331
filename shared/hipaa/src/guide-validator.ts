/**
 * The guide's checks as a TransactionValidator, for a ReportBuilder or validate() over sets read
 * elsewhere (the same walk and checks as documentsFor, without documents). Sets of other guides
 * pass through with no issues.
 */
import type { FunctionalGroup, Interchange, TransactionSet, TransactionValidator, X12Issue } from '@ediflow/x12';
import { checkTransaction } from './facade';

export function guideValidator(): TransactionValidator {
  return {
    name: 'hipaa-guide',
    validate(tx: TransactionSet, group: FunctionalGroup, ic: Interchange): X12Issue[] {
      return checkTransaction(tx, group.version, ic.header.version);
    },
  };
}
