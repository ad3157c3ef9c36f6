// The shape of a document in MongoDB `doctorsForDB`: the recommendation service's copy of
// the GMC list. doctors-sync writes it; the Debezium MongoDB connector streams it back into
// `tis.revalidation.doctorsForDB`, where the connections processor reads it. Field names
// follow the revalidation service's collection.
export interface DoctorsForDbDocument {
  /** The GMC reference number. */
  _id: string;
  gmcReferenceNumber: string;
  doctorFirstName: string | null;
  doctorLastName: string | null;
  submissionDate: Date | null;
  dateAdded: Date | null;
  underNotice: 'YES' | 'NO' | 'ON_HOLD' | null;
  sanction: string | null;
  doctorStatus: string;
  /** The GMC designated body the doctor is connected to, or null. */
  designatedBodyCode: string | null;
  existsInGmc: boolean;
  /** When GMC (or a manual connection change) last changed this doctor: the newest wins. */
  gmcLastUpdatedDateTime: Date;
  /** Fields GMC does not own, kept across syncs. */
  admin: string | null;
  lastUpdatedDate: Date;
}
