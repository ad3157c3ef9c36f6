// The ways the fake GMC can misbehave for one designated body. A fault with `times` fires
// on that many calls and then clears itself (a transient fault a retry should survive);
// without `times` it stays until cleared.
import { z } from 'zod';

const times = z.number().int().positive().optional();

export const gmcFaultSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('returnCode'), returnCode: z.string().regex(/^\d+$/), times }),
  z.object({ kind: z.literal('http500'), times }),
  z.object({ kind: z.literal('soapFault'), times }),
  z.object({ kind: z.literal('delay'), ms: z.number().int().nonnegative(), times }),
  z.object({ kind: z.literal('truncated'), times }),
  z.object({ kind: z.literal('malformed'), times }),
  z.object({ kind: z.literal('emptyList'), times }),
]);

export type GmcFault = z.infer<typeof gmcFaultSchema>;

export class FaultBook {
  private readonly faults = new Map<string, GmcFault>();

  set(designatedBody: string, fault: GmcFault): void {
    this.faults.set(designatedBody, { ...fault });
  }

  clear(designatedBody?: string): void {
    if (designatedBody === undefined) this.faults.clear();
    else this.faults.delete(designatedBody);
  }

  /** The fault for this call, counting it against `times`. */
  take(designatedBody: string): GmcFault | undefined {
    const fault = this.faults.get(designatedBody);
    if (!fault) return undefined;
    if (fault.times !== undefined) {
      if (fault.times <= 1) this.faults.delete(designatedBody);
      else this.faults.set(designatedBody, { ...fault, times: fault.times - 1 });
    }
    return fault;
  }
}
