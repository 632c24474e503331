/**
 * Element syntax from the X12 data dictionary for envelope and acknowledgment
 * segments, as data. `elements[i]` describes element i+1. Versions differ in a
 * few places (ISA11, AK1, AK4 composite), handled by `segmentDefinition`.
 */
import { ELEMENT_ERROR_CODES, GROUP_ERROR_CODES, SEGMENT_ERROR_CODES, SET_ACK_CODES, TA1_NOTE_CODES, TRANSACTION_ERROR_CODES } from './codes';

export type DataType = 'AN' | 'ID' | 'N0' | 'N1' | 'N2' | 'N3' | 'N4' | 'R' | 'DT' | 'TM';
/** M = mandatory, O = optional, X = conditional (relational condition decides). */
export type Requirement = 'M' | 'O' | 'X';

export interface ComponentDefinition {
  ref: string;
  name: string;
  type: DataType;
  min: number;
  max: number;
  req: Requirement;
  codes?: readonly string[];
}

export interface ElementDefinition extends ComponentDefinition {
  /** Maximum repetitions (1 when absent). */
  repeat?: number;
  /** Components when the element is a composite (type/min/max then describe nothing). */
  components?: readonly ComponentDefinition[];
}

export interface SegmentDefinition {
  id: string;
  name: string;
  elements: readonly ElementDefinition[];
}

const ISA_QUALIFIERS = ['01', '02', '03', '04', '07', '08', '09', '10', '11', '12', '13', '14', '15', '16', '17', '18', '19', '20', '21', '22', '23', '24', '25', '26', '27', '28', '29', '30', '31', '32', '33', '34', '35', '36', '37', '38', 'AM', 'NR', 'SA', 'SN', 'ZZ'] as const;

const el = (ref: string, name: string, type: DataType, min: number, max: number, req: Requirement, codes?: readonly string[]): ElementDefinition =>
  codes === undefined ? { ref, name, type, min, max, req } : { ref, name, type, min, max, req, codes };

const keys = (o: object): string[] => Object.keys(o);
const only999 = (k: string): boolean => !k.startsWith('I') && k !== '12' && k !== '13';

const DEFS: readonly SegmentDefinition[] = [
  {
    id: 'ISA', name: 'Interchange Control Header', elements: [
      el('I01', 'Authorization Information Qualifier', 'ID', 2, 2, 'M', ['00', '01', '02', '03', '04', '05', '06', '07', '08']),
      el('I02', 'Authorization Information', 'AN', 10, 10, 'M'),
      el('I03', 'Security Information Qualifier', 'ID', 2, 2, 'M', ['00', '01']),
      el('I04', 'Security Information', 'AN', 10, 10, 'M'),
      el('I05', 'Interchange ID Qualifier', 'ID', 2, 2, 'M', ISA_QUALIFIERS),
      el('I06', 'Interchange Sender ID', 'AN', 15, 15, 'M'),
      el('I05', 'Interchange ID Qualifier', 'ID', 2, 2, 'M', ISA_QUALIFIERS),
      el('I07', 'Interchange Receiver ID', 'AN', 15, 15, 'M'),
      el('I08', 'Interchange Date', 'DT', 6, 6, 'M'),
      el('I09', 'Interchange Time', 'TM', 4, 4, 'M'),
      el('I65', 'Repetition Separator', 'AN', 1, 1, 'M'),
      el('I11', 'Interchange Control Version Number', 'ID', 5, 5, 'M'),
      el('I12', 'Interchange Control Number', 'N0', 9, 9, 'M'),
      el('I13', 'Acknowledgment Requested', 'ID', 1, 1, 'M', ['0', '1']),
      el('I14', 'Interchange Usage Indicator', 'ID', 1, 1, 'M', ['P', 'T']),
      el('I15', 'Component Element Separator', 'AN', 1, 1, 'M'),
    ],
  },
  {
    id: 'IEA', name: 'Interchange Control Trailer', elements: [
      el('I16', 'Number of Included Functional Groups', 'N0', 1, 5, 'M'),
      el('I12', 'Interchange Control Number', 'N0', 9, 9, 'M'),
    ],
  },
  {
    id: 'TA1', name: 'Interchange Acknowledgment', elements: [
      el('I12', 'Interchange Control Number', 'N0', 9, 9, 'M'),
      el('I08', 'Interchange Date', 'DT', 6, 6, 'M'),
      el('I09', 'Interchange Time', 'TM', 4, 4, 'M'),
      el('I17', 'Interchange Acknowledgment Code', 'ID', 1, 1, 'M', ['A', 'E', 'R']),
      el('I18', 'Interchange Note Code', 'ID', 3, 3, 'M', keys(TA1_NOTE_CODES)),
    ],
  },
  {
    id: 'GS', name: 'Functional Group Header', elements: [
      el('479', 'Functional Identifier Code', 'ID', 2, 2, 'M'),
      el('142', "Application Sender's Code", 'AN', 2, 15, 'M'),
      el('124', "Application Receiver's Code", 'AN', 2, 15, 'M'),
      el('373', 'Date', 'DT', 8, 8, 'M'),
      el('337', 'Time', 'TM', 4, 8, 'M'),
      el('28', 'Group Control Number', 'N0', 1, 9, 'M'),
      el('455', 'Responsible Agency Code', 'ID', 1, 2, 'M', ['T', 'X']),
      el('480', 'Version / Release / Industry Identifier Code', 'AN', 1, 12, 'M'),
    ],
  },
  {
    id: 'GE', name: 'Functional Group Trailer', elements: [
      el('97', 'Number of Transaction Sets Included', 'N0', 1, 6, 'M'),
      el('28', 'Group Control Number', 'N0', 1, 9, 'M'),
    ],
  },
  {
    id: 'ST', name: 'Transaction Set Header', elements: [
      el('143', 'Transaction Set Identifier Code', 'ID', 3, 3, 'M'),
      el('329', 'Transaction Set Control Number', 'AN', 4, 9, 'M'),
      el('1705', 'Implementation Convention Reference', 'AN', 1, 35, 'O'),
    ],
  },
  {
    id: 'SE', name: 'Transaction Set Trailer', elements: [
      el('96', 'Number of Included Segments', 'N0', 1, 10, 'M'),
      el('329', 'Transaction Set Control Number', 'AN', 4, 9, 'M'),
    ],
  },
  {
    id: 'AK1', name: 'Functional Group Response Header', elements: [
      el('479', 'Functional Identifier Code', 'ID', 2, 2, 'M'),
      el('28', 'Group Control Number', 'N0', 1, 9, 'M'),
      el('480', 'Version / Release / Industry Identifier Code', 'AN', 1, 12, 'O'),
    ],
  },
  {
    id: 'AK2', name: 'Transaction Set Response Header', elements: [
      el('143', 'Transaction Set Identifier Code', 'ID', 3, 3, 'M'),
      el('329', 'Transaction Set Control Number', 'AN', 4, 9, 'M'),
      el('1705', 'Implementation Convention Reference', 'AN', 1, 35, 'O'),
    ],
  },
  {
    id: 'IK3', name: 'Error Identification', elements: [
      el('721', 'Segment ID Code', 'ID', 2, 3, 'M'),
      el('719', 'Segment Position in Transaction Set', 'N0', 1, 10, 'M'),
      el('447', 'Loop Identifier Code', 'AN', 1, 4, 'O'),
      el('620', 'Implementation Segment Syntax Error Code', 'ID', 1, 3, 'O', keys(SEGMENT_ERROR_CODES)),
    ],
  },
  {
    id: 'IK4', name: 'Implementation Data Element Note', elements: [
      {
        ref: 'C030', name: 'Position in Segment', type: 'AN', min: 0, max: 0, req: 'M', components: [
          el('722', 'Element Position in Segment', 'N0', 1, 2, 'M'),
          el('1528', 'Component Data Element Position in Composite', 'N0', 1, 2, 'O'),
          el('1686', 'Repeating Data Element Position', 'N0', 1, 4, 'O'),
        ],
      },
      el('725', 'Data Element Reference Number', 'N0', 1, 4, 'O'),
      el('621', 'Implementation Data Element Syntax Error Code', 'ID', 1, 3, 'M', keys(ELEMENT_ERROR_CODES)),
      el('724', 'Copy of Bad Data Element', 'AN', 1, 99, 'O'),
    ],
  },
  {
    id: 'IK5', name: 'Transaction Set Response Trailer', elements: [
      el('717', 'Transaction Set Acknowledgment Code', 'ID', 1, 1, 'M', ['A', 'E', 'M', 'R', 'W', 'X']),
      ...[2, 3, 4, 5, 6].map(() => el('618', 'Implementation Transaction Set Syntax Error Code', 'ID', 1, 3, 'O', keys(TRANSACTION_ERROR_CODES))),
    ],
  },
  {
    id: 'AK9', name: 'Functional Group Response Trailer', elements: [
      el('715', 'Functional Group Acknowledge Code', 'ID', 1, 1, 'M', keys(SET_ACK_CODES)),
      el('97', 'Number of Transaction Sets Included', 'N0', 1, 6, 'M'),
      el('123', 'Number of Received Transaction Sets', 'N0', 1, 6, 'M'),
      el('2', 'Number of Accepted Transaction Sets', 'N0', 1, 6, 'M'),
      ...[5, 6, 7, 8, 9].map(() => el('716', 'Functional Group Syntax Error Code', 'ID', 1, 3, 'O', keys(GROUP_ERROR_CODES))),
    ],
  },
  {
    id: 'AK3', name: 'Data Segment Note', elements: [
      el('721', 'Segment ID Code', 'ID', 2, 3, 'M'),
      el('719', 'Segment Position in Transaction Set', 'N0', 1, 6, 'M'),
      el('447', 'Loop Identifier Code', 'AN', 1, 4, 'O'),
      el('720', 'Segment Syntax Error Code', 'ID', 1, 3, 'O', keys(SEGMENT_ERROR_CODES).filter(only999)),
    ],
  },
  {
    id: 'AK4', name: 'Data Element Note', elements: [
      {
        ref: 'C030', name: 'Position in Segment', type: 'AN', min: 0, max: 0, req: 'M', components: [
          el('722', 'Element Position in Segment', 'N0', 1, 2, 'M'),
          el('1528', 'Component Data Element Position in Composite', 'N0', 1, 2, 'O'),
        ],
      },
      el('725', 'Data Element Reference Number', 'N0', 1, 4, 'O'),
      el('723', 'Data Element Syntax Error Code', 'ID', 1, 3, 'M', keys(ELEMENT_ERROR_CODES).filter(only999)),
      el('724', 'Copy of Bad Data Element', 'AN', 1, 99, 'O'),
    ],
  },
  {
    id: 'AK5', name: 'Transaction Set Response Trailer', elements: [
      el('717', 'Transaction Set Acknowledgment Code', 'ID', 1, 1, 'M', ['A', 'E', 'M', 'R', 'W', 'X']),
      ...[2, 3, 4, 5, 6].map(() => el('718', 'Transaction Set Syntax Error Code', 'ID', 1, 3, 'O', keys(TRANSACTION_ERROR_CODES).filter(only999))),
    ],
  },
];

/** The dictionary: segment id -> definition (5010 forms). */
export const SEGMENT_DICTIONARY: ReadonlyMap<string, SegmentDefinition> = new Map(DEFS.map((d) => [d.id, d]));

const AK1_4010: SegmentDefinition = { ...SEGMENT_DICTIONARY.get('AK1')!, elements: SEGMENT_DICTIONARY.get('AK1')!.elements.slice(0, 2) };
const ISA_4010: SegmentDefinition = {
  ...SEGMENT_DICTIONARY.get('ISA')!,
  elements: SEGMENT_DICTIONARY.get('ISA')!.elements.map((e, i) => (i === 10 ? el('I10', 'Interchange Control Standards Identifier', 'ID', 1, 1, 'M', ['U']) : e)),
};

/**
 * Definition of a segment for an interchange version (ISA12, e.g. '00401' / '00501'), or undefined when the
 * dictionary does not know the segment.
 */
export function segmentDefinition(id: string, version = '00501'): SegmentDefinition | undefined {
  if (version < '00501' && id === 'AK1') return AK1_4010;
  // the repetition separator replaced the standards identifier in ISA11 with version 00402
  if (version < '00402' && id === 'ISA') return ISA_4010;
  return SEGMENT_DICTIONARY.get(id);
}
