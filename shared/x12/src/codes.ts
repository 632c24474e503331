/**
 * Acknowledgment code lists (facts from the X12 data dictionary as used by the
 * TA1, 997 (004010) and 999 (005010X231A1) guides). Kept as data so that other
 * validators (implementation-guide loops, later) can pick codes from here.
 */

/** TA104 (I17) Interchange Acknowledgment Code. */
export const TA1_ACK_CODES = { A: 'Accepted, no errors', E: 'Accepted with errors', R: 'Rejected' } as const;
export type Ta1AckCode = keyof typeof TA1_ACK_CODES;

/** TA105 (I18) Interchange Note Code. */
export const TA1_NOTE_CODES = {
  '000': 'No error',
  '001': 'Interchange control number in header and trailer do not match',
  '002': 'Standard in the control standards identifier is not supported',
  '003': 'Version of the controls is not supported',
  '004': 'Segment terminator is invalid',
  '005': 'Invalid interchange ID qualifier for sender',
  '006': 'Invalid interchange sender ID',
  '007': 'Invalid interchange ID qualifier for receiver',
  '008': 'Invalid interchange receiver ID',
  '009': 'Unknown interchange receiver ID',
  '010': 'Invalid authorization information qualifier value',
  '011': 'Invalid authorization information value',
  '012': 'Invalid security information qualifier value',
  '013': 'Invalid security information value',
  '014': 'Invalid interchange date value',
  '015': 'Invalid interchange time value',
  '016': 'Invalid interchange standards identifier value',
  '017': 'Invalid interchange version ID value',
  '018': 'Invalid interchange control number value',
  '019': 'Invalid acknowledgment requested value',
  '020': 'Invalid test indicator value',
  '021': 'Invalid number of included groups value',
  '022': 'Invalid control structure',
  '023': 'Improper (premature) end-of-file (transmission)',
  '024': 'Invalid interchange content (e.g. invalid GS segment)',
  '025': 'Duplicate interchange control number',
  '026': 'Invalid data element separator',
  '027': 'Invalid component element separator',
  '028': 'Invalid delivery date in deferred delivery request',
  '029': 'Invalid delivery time in deferred delivery request',
  '030': 'Invalid delivery time code in deferred delivery request',
  '031': 'Invalid grade of service code',
} as const;
export type Ta1NoteCode = keyof typeof TA1_NOTE_CODES;

/** IK304 (620, 999) / AK304 (720, 997) segment syntax error codes. I-codes exist only in the 999. */
export const SEGMENT_ERROR_CODES = {
  '1': 'Unrecognized segment ID',
  '2': 'Unexpected segment',
  '3': 'Required segment missing',
  '4': 'Loop occurs over maximum times',
  '5': 'Segment exceeds maximum use',
  '6': 'Segment not in defined transaction set',
  '7': 'Segment not in proper sequence',
  '8': 'Segment has data element errors',
  I4: 'Implementation "not used" segment present',
  I6: 'Implementation dependent segment missing',
  I7: 'Implementation loop occurs under minimum times',
  I8: 'Implementation segment below minimum use',
  I9: 'Implementation dependent "not used" segment present',
} as const;
export type SegmentErrorCode = keyof typeof SEGMENT_ERROR_CODES;

/** IK403 (621, 999) / AK403 (723, 997) data element syntax error codes. 12, 13 and I-codes are 999 only. */
export const ELEMENT_ERROR_CODES = {
  '1': 'Required data element missing',
  '2': 'Conditional required data element missing',
  '3': 'Too many data elements',
  '4': 'Data element too short',
  '5': 'Data element too long',
  '6': 'Invalid character in data element',
  '7': 'Invalid code value',
  '8': 'Invalid date',
  '9': 'Invalid time',
  '10': 'Exclusion condition violated',
  '12': 'Too many repetitions',
  '13': 'Too many components',
  I6: 'Code value not used in implementation',
  I9: 'Implementation dependent data element missing',
  I10: 'Implementation "not used" data element present',
  I11: 'Implementation too few repetitions',
  I12: 'Implementation pattern match failure',
  I13: 'Implementation dependent "not used" data element present',
} as const;
export type ElementErrorCode = keyof typeof ELEMENT_ERROR_CODES;

/**
 * The 997's (004010) AK304 for each IK304 code. The 997 has codes 1-8 only and X12 defines no 997
 * form of the implementation (I) codes, so each takes the closest base code: a not-used segment
 * present (I4, I9) is an unexpected segment (2, as pyx12's 997 reports a not-used segment); a
 * segment or loop the implementation needs and did not get (I6, I7, I8) is a required segment
 * missing (3).
 */
export const AK304_FOR_IK304: Readonly<Record<SegmentErrorCode, SegmentErrorCode>> = {
  '1': '1', '2': '2', '3': '3', '4': '4', '5': '5', '6': '6', '7': '7', '8': '8', I4: '2', I6: '3', I7: '3', I8: '3', I9: '2',
};

/**
 * The 997's (004010) AK403 for each IK403 code. The 997 has codes 1-10 only: too many repetitions or
 * components (12, 13) are too many data elements (3); a code value not used in the implementation
 * (I6) or a pattern failure (I12) an invalid code value (7, as pyx12 reports a pattern failure); an
 * implementation dependent element missing (I9) a conditional required element missing (2); too few
 * repetitions (I11) a required element missing (1); a not-used element present (I10, I13) an
 * exclusion condition violated (10, as pyx12 reports a not-used element).
 */
export const AK403_FOR_IK403: Readonly<Record<ElementErrorCode, ElementErrorCode>> = {
  '1': '1', '2': '2', '3': '3', '4': '4', '5': '5', '6': '6', '7': '7', '8': '8', '9': '9', '10': '10',
  '12': '3', '13': '3', I6: '7', I9: '2', I10: '10', I11: '1', I12: '7', I13: '10',
};

/** IK501 / AK501 (717) and AK901 (715) acknowledgment codes. P exists only in AK901. */
export const SET_ACK_CODES = {
  A: 'Accepted',
  E: 'Accepted but errors were noted',
  M: 'Rejected, message authentication code (MAC) failed',
  P: 'Partially accepted, at least one transaction set was rejected',
  R: 'Rejected',
  W: 'Rejected, assurance failed validity tests',
  X: 'Rejected, content after decryption could not be analyzed',
} as const;
export type SetAckCode = keyof typeof SET_ACK_CODES;

/** IK502..IK506 (618) / AK502..AK506 (718) transaction set syntax error codes. I-codes are 999 only. */
export const TRANSACTION_ERROR_CODES = {
  '1': 'Transaction set not supported',
  '2': 'Transaction set trailer missing',
  '3': 'Transaction set control number in header and trailer do not match',
  '4': 'Number of included segments does not match actual count',
  '5': 'One or more segments in error',
  '6': 'Missing or invalid transaction set identifier',
  '7': 'Missing or invalid transaction set control number',
  '8': 'Authentication key name unknown',
  '9': 'Encryption key name unknown',
  '10': 'Requested service (authentication or encryption) not available',
  '11': 'Unknown security recipient',
  '12': 'Incorrect message length (encryption only)',
  '13': 'Message authentication code failed',
  '15': 'Unknown security originator',
  '16': 'Syntax error in decrypted text',
  '17': 'Security not supported',
  '18': 'Transaction set not in functional group',
  '19': 'Invalid transaction set implementation convention reference',
  '23': 'Transaction set control number not unique within the functional group',
  '24': 'S3E security end segment missing for S3S security start segment',
  '25': 'S3S security start segment missing for S3E security end segment',
  '26': 'S4E security end segment missing for S4S security start segment',
  '27': 'S4S security start segment missing for S4E security end segment',
  I5: 'Implementation one or more segments in error',
  I6: 'Implementation convention not supported',
} as const;
export type TransactionErrorCode = keyof typeof TRANSACTION_ERROR_CODES;

/**
 * The 997's (004010) AK502 for each IK502 code: the same where 4010 has it (1-27); an implementation
 * segment error (I5) is one or more segments in error (5), an implementation convention not
 * supported (I6) a transaction set not supported (1).
 */
export function ak502ForIk502(code: TransactionErrorCode): TransactionErrorCode | undefined {
  if (code === 'I5') return '5';
  if (code === 'I6') return '1';
  return Number(code) <= 27 ? code : undefined;
}

/** AK905..AK909 (716) functional group syntax error codes. */
export const GROUP_ERROR_CODES = {
  '1': 'Functional group not supported',
  '2': 'Functional group version not supported',
  '3': 'Functional group trailer missing',
  '4': 'Group control number in the functional group header and trailer do not agree',
  '5': 'Number of included transaction sets does not match actual count',
  '6': 'Group control number violates syntax',
  '10': 'Authentication key name unknown',
  '11': 'Encryption key name unknown',
  '12': 'Requested service (authentication or encryption) not available',
  '13': 'Unknown security recipient',
  '14': 'Unknown security originator',
  '15': 'Syntax error in decrypted text',
  '16': 'Security not supported',
  '17': 'Incorrect message length (encryption only)',
  '18': 'Message authentication code failed',
  '19': 'Functional group control number not unique within interchange',
  '23': 'S3E security end segment missing for S3S security start segment',
  '24': 'S3S security start segment missing for S3E security end segment',
  '25': 'S4E security end segment missing for S4S security start segment',
  '26': 'S4S security start segment missing for S4E security end segment',
} as const;
export type GroupErrorCode = keyof typeof GROUP_ERROR_CODES;
