// The TIS side of the join: TCS rows held by primary key and indexed by the foreign keys
// that link them (PM → Programme, CM → PM uuid, GmcDetails/ContactDetails/Person/Placement →
// person). Applying a change returns every GMC number whose TIS view it may alter, before
// and after the change, so a person whose GMC number changes leaves the old key cleanly.
import { isDummyOrPlaceholderRole, isValidGmcNumber } from '../../rules/identity';
import type { TisPerson } from '../../rules/types';
import type {
  ContactDetailsRow,
  CurriculumMembershipRow,
  GmcDetailsRow,
  PersonRow,
  PlacementRow,
  ProgrammeMembershipRow,
  ProgrammeRow,
} from '../sources/changes';
import type { TisChange } from './tis-rows';

/** A multimap: parent id → child ids, for the foreign-key indexes. */
class Index<K, V> {
  private readonly map = new Map<K, Set<V>>();
  add(key: K, value: V): void {
    let set = this.map.get(key);
    if (!set) this.map.set(key, (set = new Set()));
    set.add(value);
  }
  remove(key: K, value: V): void {
    const set = this.map.get(key);
    if (!set) return;
    set.delete(value);
    if (set.size === 0) this.map.delete(key);
  }
  get(key: K): ReadonlySet<V> {
    return this.map.get(key) ?? EMPTY;
  }
}
const EMPTY: ReadonlySet<never> = new Set();

export class TisTables {
  private readonly contactDetails = new Map<number, ContactDetailsRow>();
  private readonly gmcDetails = new Map<number, GmcDetailsRow>();
  private readonly persons = new Map<number, PersonRow>();
  private readonly programmeMemberships = new Map<string, ProgrammeMembershipRow>();
  private readonly curriculumMemberships = new Map<number, CurriculumMembershipRow>();
  private readonly programmes = new Map<number, ProgrammeRow>();
  private readonly placements = new Map<number, PlacementRow>();

  private readonly membershipsByPerson = new Index<number, string>();
  private readonly membershipsByProgramme = new Index<number, string>();
  private readonly curriculaByMembership = new Index<string, number>();
  private readonly placementsByPerson = new Index<number, number>();
  private readonly personsByGmcNumber = new Index<string, number>();

  /** Applies one change; returns the GMC numbers whose TIS view may have changed. */
  apply(change: TisChange): Set<string> {
    const personIds = new Set<number>();
    const touchPerson = (id: number | null | undefined) => {
      if (id !== null && id !== undefined) personIds.add(id);
    };
    switch (change.source) {
      case 'contactDetails':
        touchPerson(Number(change.key));
        this.upsertOrDelete(this.contactDetails, Number(change.key), change);
        break;
      case 'person':
        touchPerson(Number(change.key));
        this.upsertOrDelete(this.persons, Number(change.key), change);
        break;
      case 'gmcDetails': {
        const id = Number(change.key);
        touchPerson(id);
        // The GMC numbers are read before and after, so both keys are re-derived.
        const before = this.gmcDetails.get(id)?.gmcNumber;
        if (before) this.personsByGmcNumber.remove(before.trim(), id);
        const affected = this.gmcNumbersOf(personIds);
        if (before && isValidGmcNumber(before.trim())) affected.add(before.trim());
        this.upsertOrDelete(this.gmcDetails, id, change);
        const after = this.gmcDetails.get(id)?.gmcNumber;
        if (after) this.personsByGmcNumber.add(after.trim(), id);
        for (const gmc of this.gmcNumbersOf(personIds)) affected.add(gmc);
        return affected;
      }
      case 'programmeMembership': {
        const before = this.programmeMemberships.get(change.key);
        if (before) {
          touchPerson(before.personId);
          this.membershipsByPerson.remove(before.personId, before.uuid);
          if (before.programmeId !== null)
            this.membershipsByProgramme.remove(before.programmeId, before.uuid);
        }
        this.upsertOrDelete(this.programmeMemberships, change.key, change);
        const after = this.programmeMemberships.get(change.key);
        if (after) {
          touchPerson(after.personId);
          this.membershipsByPerson.add(after.personId, after.uuid);
          if (after.programmeId !== null)
            this.membershipsByProgramme.add(after.programmeId, after.uuid);
        }
        break;
      }
      case 'curriculumMembership': {
        const id = Number(change.key);
        const before = this.curriculumMemberships.get(id);
        if (before?.programmeMembershipUuid) {
          touchPerson(this.programmeMemberships.get(before.programmeMembershipUuid)?.personId);
          this.curriculaByMembership.remove(before.programmeMembershipUuid, id);
        }
        this.upsertOrDelete(this.curriculumMemberships, id, change);
        const after = this.curriculumMemberships.get(id);
        if (after?.programmeMembershipUuid) {
          touchPerson(this.programmeMemberships.get(after.programmeMembershipUuid)?.personId);
          this.curriculaByMembership.add(after.programmeMembershipUuid, id);
        }
        break;
      }
      case 'programme': {
        const id = Number(change.key);
        this.upsertOrDelete(this.programmes, id, change);
        for (const uuid of this.membershipsByProgramme.get(id)) {
          touchPerson(this.programmeMemberships.get(uuid)?.personId);
        }
        break;
      }
      case 'placement': {
        const id = Number(change.key);
        const before = this.placements.get(id);
        if (before && before.traineeId !== null) {
          touchPerson(before.traineeId);
          this.placementsByPerson.remove(before.traineeId, id);
        }
        this.upsertOrDelete(this.placements, id, change);
        const after = this.placements.get(id);
        if (after && after.traineeId !== null) {
          touchPerson(after.traineeId);
          this.placementsByPerson.add(after.traineeId, id);
        }
        break;
      }
    }
    return this.gmcNumbersOf(personIds);
  }

  /** Every GMC number that has a valid TIS person. */
  gmcNumbers(): string[] {
    return [...this.gmcDetails.keys()]
      .map((id) => this.validGmcNumber(id))
      .filter((gmc): gmc is string => gmc !== null);
  }

  /**
   * The TIS view of the doctor with this GMC number, or null when no valid person has it.
   * Should two valid persons carry the same number (a TIS data error), the one with the
   * smallest person id is shown: a stable choice that does not depend on arrival order.
   */
  personFor(gmcNumber: string): TisPerson | null {
    const candidates = [...this.personsByGmcNumber.get(gmcNumber)]
      .filter((id) => this.validGmcNumber(id) === gmcNumber)
      .sort((a, b) => a - b);
    if (candidates.length === 0) return null;
    const personId = candidates[0];
    const contact = this.contactDetails.get(personId);
    return {
      personId,
      role: this.persons.get(personId)?.role ?? null,
      firstName: contact?.forenames ?? null,
      lastName: contact?.surname ?? null,
      programmeMemberships: [...this.membershipsByPerson.get(personId)].map((uuid) => {
        const membership = this.programmeMemberships.get(uuid) as ProgrammeMembershipRow;
        const programme =
          membership.programmeId === null ? undefined : this.programmes.get(membership.programmeId);
        return {
          uuid,
          type: membership.programmeMembershipType,
          startDate: membership.programmeStartDate,
          endDate: membership.programmeEndDate,
          programmeName: programme?.programmeName ?? null,
          owner: programme?.owner ?? null,
          curriculumMemberships: [...this.curriculaByMembership.get(uuid)].map((id) => {
            const curriculum = this.curriculumMemberships.get(id) as CurriculumMembershipRow;
            return {
              id,
              curriculumStartDate: curriculum.curriculumStartDate,
              curriculumEndDate: curriculum.curriculumEndDate,
            };
          }),
        };
      }),
      placements: [...this.placementsByPerson.get(personId)].map((id) => {
        const placement = this.placements.get(id) as PlacementRow;
        return {
          gradeId: placement.gradeId,
          dateFrom: placement.dateFrom,
          dateTo: placement.dateTo,
        };
      }),
    };
  }

  get size(): number {
    return (
      this.contactDetails.size +
      this.gmcDetails.size +
      this.persons.size +
      this.programmeMemberships.size +
      this.curriculumMemberships.size +
      this.programmes.size +
      this.placements.size
    );
  }

  private validGmcNumber(personId: number): string | null {
    const gmc = this.gmcDetails.get(personId)?.gmcNumber?.trim();
    if (!isValidGmcNumber(gmc)) return null;
    if (isDummyOrPlaceholderRole(this.persons.get(personId)?.role)) return null;
    return gmc;
  }

  private gmcNumbersOf(personIds: Iterable<number>): Set<string> {
    const result = new Set<string>();
    for (const id of personIds) {
      const gmc = this.gmcDetails.get(id)?.gmcNumber?.trim();
      // Invalid numbers are still reported: a person turning dummy must leave its key.
      if (gmc && isValidGmcNumber(gmc)) result.add(gmc);
    }
    return result;
  }

  private upsertOrDelete<K, R>(
    table: Map<K, R>,
    key: K,
    change: { op: 'upsert'; row: R } | { op: 'delete' },
  ): void {
    if (change.op === 'upsert') table.set(key, change.row);
    else table.delete(key);
  }
}
