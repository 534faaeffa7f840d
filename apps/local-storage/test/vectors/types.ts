/** The shared SigV4 vectors as vitest.config.ts hands them to the tests (a JSON binding). */
export interface SuiteContext {
  credentials: { access_key_id: string; secret_access_key: string; token?: string };
  expiration_in_seconds: number;
  normalize: boolean;
  region: string;
  service: string;
  sign_body: boolean;
  timestamp: string;
  omit_session_token?: boolean;
}

export interface SuiteMode {
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
  signedRequest: string;
}

export interface SuiteCase {
  name: string;
  context: SuiteContext;
  request: string;
  header: SuiteMode;
  query: SuiteMode;
}

export interface SigV4Vectors {
  suite: SuiteCase[];
  presignedGet: {
    context: {
      access_key_id: string;
      secret_access_key: string;
      region: string;
      service: string;
      timestamp: string;
      expires: number;
      payload: string;
    };
    canonicalRequest: string;
    stringToSign: string;
    signature: string;
    signedUrl: string;
  };
  putHeaderAuth: { body: string; canonicalRequest: string; stringToSign: string; signature: string };
}
