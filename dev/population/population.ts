// A synthetic, reproducible population of doctors in training: TIS persons with programme
// memberships, curriculum memberships and placements, matched against the fake GMC's
// seeded lists so that most doctors agree and a realistic few need an administrator.
// Used by `npm start` (demo), the end-to-end tests and the benchmarks.
import { addDays } from '../../processors/rules/dates';
import designatedBodyTable from '../../processors/rules/designated-bodies.json';
import { seededRandom, syntheticGmcNumber } from '../fake-gmc/synthetic';

export const DESIGNATED_BODIES = Object.keys(
  designatedBodyTable,
) as (keyof typeof designatedBodyTable)[];

export interface PopulationProgramme {
  id: number;
  programmeName: string;
  programmeNumber: string;
  owner: string;
}

export interface PopulationMembership {
  uuid: string;
  programmeId: number;
  type: string;
  startDate: string;
  endDate: string;
  curricula: { id: number; curriculumId: number; startDate: string; endDate: string }[];
}

export interface PopulationPerson {
  personId: number;
  gmcReferenceNumber: string;
  role: string;
  forenames: string;
  surname: string;
  memberships: PopulationMembership[];
  placements: { id: number; gradeId: number; dateFrom: string; dateTo: string }[];
}

export interface Population {
  today: string;
  programmes: PopulationProgramme[];
  persons: PopulationPerson[];
  /** Doctors the fake GMC lists per designated body that appear in TIS (by index). */
  gmcDoctorsPerBody: number;
}

const FORENAMES = ['Amelia', 'Oluwaseun', 'Zoë', 'Siân', 'Mohammed', 'Aoife', 'Rhys', 'Priya'];
const SURNAMES = ["O'Brien", 'Smith', 'Müller', 'Patel', 'Nowak', 'Evans', 'Ahmed', 'Williams'];
const TYPES = [
  'SUBSTANTIVE',
  'SUBSTANTIVE',
  'SUBSTANTIVE',
  'SUBSTANTIVE',
  'LAT',
  'FTSTA',
  'ACADEMIC',
  'VISITOR',
];
const GRADES = [279, 280, 281, 282, 290];
const PROGRAMMES_PER_BODY = 3;

function uuidOf(personId: number, index: number): string {
  const hex = (personId * 10 + index).toString(16).padStart(12, '0');
  return `00000000-0000-4000-8000-${hex}`;
}

/**
 * `doctorsPerBody` doctors per designated body, numbered as the fake GMC numbers them (so a
 * fake GMC started with the same count lists them). Deterministic for a seed and `today`.
 * Roughly: 85% connected in TIS to their GMC body; 4% to another body (a mismatch); 5%
 * with an ended programme; 3% not started; 3% without a curriculum membership. A further 2%
 * of TIS persons have numbers GMC does not list (ready for connection).
 */
export function generatePopulation(options: {
  doctorsPerBody: number;
  today: string;
  seed?: number;
}): Population {
  const random = seededRandom(options.seed ?? 7);
  const programmes: PopulationProgramme[] = [];
  DESIGNATED_BODIES.forEach((body, bodyIndex) => {
    for (let k = 0; k < PROGRAMMES_PER_BODY; k++) {
      const owner = designatedBodyTable[body][0];
      programmes.push({
        id: 1000 + bodyIndex * 10 + k,
        programmeName: ['General Practice', 'Core Surgical Training', 'Internal Medicine'][k],
        programmeNumber: `PRG-${bodyIndex}-${k}`,
        // Some owners still carry the legacy prefix, as real TIS data does.
        owner: k === 2 ? `Health Education England ${owner}` : owner,
      });
    }
  });
  const programmeOf = (bodyIndex: number) =>
    1000 + bodyIndex * 10 + Math.floor(random() * PROGRAMMES_PER_BODY);

  const persons: PopulationPerson[] = [];
  let nextPersonId = 100_000;
  let nextCurriculumId = 500_000;
  let nextPlacementId = 800_000;
  const extra = Math.max(1, Math.round(options.doctorsPerBody * 0.02));
  DESIGNATED_BODIES.forEach((_, bodyIndex) => {
    for (let i = 0; i < options.doctorsPerBody + extra; i++) {
      const personId = nextPersonId++;
      const roll = random();
      const otherBody =
        (bodyIndex + 1 + Math.floor(random() * (DESIGNATED_BODIES.length - 1))) %
        DESIGNATED_BODIES.length;
      const body = roll < 0.04 ? otherBody : bodyIndex;
      const [startDate, endDate] =
        roll < 0.85 + 0.04
          ? [
              addDays(options.today, -Math.floor(random() * 900) - 1),
              addDays(options.today, Math.floor(random() * 900) + 1),
            ]
          : roll < 0.94
            ? [
                addDays(options.today, -1500),
                addDays(options.today, -Math.floor(random() * 200) - 1),
              ]
            : [addDays(options.today, Math.floor(random() * 90) + 1), addDays(options.today, 1200)];
      const withoutCurriculum = roll >= 0.97;
      const memberships: PopulationMembership[] = [
        {
          uuid: uuidOf(personId, 0),
          programmeId: programmeOf(body),
          type: TYPES[Math.floor(random() * TYPES.length)],
          startDate,
          endDate,
          curricula: withoutCurriculum
            ? []
            : [{ id: nextCurriculumId++, curriculumId: 42, startDate, endDate }],
        },
      ];
      // A third have older, ended memberships too: they must not win the selection.
      const older = Math.floor(random() * 3);
      for (let m = 1; m < 1 + older && m < 3; m++) {
        const end = addDays(startDate, -1 - m * 30);
        memberships.push({
          uuid: uuidOf(personId, m),
          programmeId: programmeOf(bodyIndex),
          type: 'SUBSTANTIVE',
          startDate: addDays(end, -700),
          endDate: end,
          curricula: [
            {
              id: nextCurriculumId++,
              curriculumId: 43,
              startDate: addDays(end, -700),
              endDate: end,
            },
          ],
        });
      }
      persons.push({
        personId,
        gmcReferenceNumber: syntheticGmcNumber(bodyIndex, i),
        role: 'DR in Training',
        forenames: FORENAMES[Math.floor(random() * FORENAMES.length)],
        surname: SURNAMES[Math.floor(random() * SURNAMES.length)],
        memberships,
        placements: [
          {
            id: nextPlacementId++,
            gradeId: GRADES[Math.floor(random() * GRADES.length)],
            dateFrom: addDays(options.today, -100),
            dateTo: addDays(options.today, 200),
          },
        ],
      });
    }
  });
  return { today: options.today, programmes, persons, gmcDoctorsPerBody: options.doctorsPerBody };
}
