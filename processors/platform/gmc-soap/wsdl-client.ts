// Loads the project's WSDL into the soap package once per process; clients and the fake
// server share the parsed definitions.
import { WSDL } from 'soap';
import { GMC_WSDL } from './wsdl';

let loaded: Promise<WSDL> | undefined;

export function gmcWsdl(): Promise<WSDL> {
  loaded ??= new Promise<WSDL>((resolve, reject) => {
    const wsdl = new WSDL(GMC_WSDL, 'reval-gmc.wsdl', {});
    wsdl.onReady((error) => (error ? reject(error) : resolve(wsdl)));
  }).catch((error: unknown) => {
    loaded = undefined;
    throw error;
  });
  return loaded;
}
