// The fake GMC's small JSON control API, so a fake started by `reval fake-gmc` (a demo, a
// benchmark in another process) can be changed between runs like the in-process one.
import { z } from 'zod';
import { gmcFaultSchema } from './faults';
import type { GmcLists } from './lists';
import type { FaultBook } from './faults';

const wireDoctor = z
  .object({
    GMCReferenceNumber: z.string().min(1),
    DoctorFirstName: z.string().optional(),
    DoctorLastName: z.string().optional(),
    SubmissionDate: z.string().optional(),
    DoctorStatus: z.string().optional(),
    Breach: z.string().optional(),
    DateAdded: z.string().optional(),
    UnderNotice: z.string().optional(),
    Investigation: z.string().optional(),
    PreliminaryInvestigation: z.string().optional(),
    Sanction: z.string().optional(),
  })
  .strict();

export const controlCommandSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('fault'), designatedBody: z.string(), fault: gmcFaultSchema }),
  z.object({ action: z.literal('clearFaults'), designatedBody: z.string().optional() }),
  z.object({
    action: z.literal('connect'),
    designatedBody: z.string(),
    doctor: wireDoctor.optional(),
    keepOtherLists: z.boolean().optional(),
  }),
  z.object({ action: z.literal('disconnect'), gmcReferenceNumber: z.string() }),
  z.object({
    action: z.literal('move'),
    gmcReferenceNumber: z.string(),
    designatedBody: z.string(),
  }),
  z.object({ action: z.literal('reset') }),
]);

export type ControlCommand = z.infer<typeof controlCommandSchema>;

/** Applies one command; returns what a caller may want back (a new doctor's number). */
export function applyControl(
  command: ControlCommand,
  lists: GmcLists,
  faults: FaultBook,
): Record<string, unknown> {
  switch (command.action) {
    case 'fault':
      faults.set(command.designatedBody, command.fault);
      return {};
    case 'clearFaults':
      faults.clear(command.designatedBody);
      return {};
    case 'connect': {
      const doctor = command.doctor ?? lists.newDoctor();
      lists.connect(command.designatedBody, doctor, { keepOtherLists: command.keepOtherLists });
      return { gmcReferenceNumber: doctor.GMCReferenceNumber };
    }
    case 'disconnect':
      return { removed: lists.disconnect(command.gmcReferenceNumber) !== undefined };
    case 'move':
      lists.move(command.gmcReferenceNumber, command.designatedBody);
      return {};
    case 'reset':
      lists.reset();
      faults.clear();
      return {};
  }
}
