import { describe, expect, it } from 'vitest';
import {
  isSecretKey,
  maskUrl,
  redactText,
  redactValue,
  registerSecret,
  registerSecretsOf,
} from '../../src/logging/redact.js';

describe('logging: pattern masking of secrets in text', () => {
  it('masks compound secret keys inside JSON strings, also when the JSON is escaped in a message', () => {
    expect(redactText('{"clientSecret":"abc def","id":1}')).toBe('{"clientSecret":"***","id":1}');
    expect(redactText('body {\\"refreshToken\\":\\"r-123456\\"}')).toBe(
      'body {\\"refreshToken\\":\\"***\\"}',
    );
    expect(redactText("{ 'dbPassword': 'p4ss-w0rd' }")).toBe("{ 'dbPassword': '***' }");
  });

  it('masks environment-style assignments such as PGPASSWORD=…', () => {
    expect(redactText('PGPASSWORD=hunter22 psql -h db')).toBe('PGPASSWORD=*** psql -h db');
    expect(redactText('export MYSQL_PWD=s3cret-1')).toBe('export MYSQL_PWD=***');
  });

  it('masks keys named auth and key, as text and as object keys', () => {
    expect(redactText('auth=xyz123&key: "k-123456" monkey=banana')).toBe('auth=***&key: "***" monkey=banana');
    // in prose the bare word is not a key: an error message keeps its words
    expect(redactText('would overlap an existing one of the same key: staging stg_customer')).toBe(
      'would overlap an existing one of the same key: staging stg_customer',
    );
    expect(redactText('{"key":"k-123456"}')).toBe('{"key":"***"}');
    expect(isSecretKey('auth')).toBe(true);
    expect(isSecretKey('key')).toBe(true);
    expect(isSecretKey('clientSecret')).toBe(true);
    expect(isSecretKey('region')).toBe(false);
    expect(redactValue({ auth: 'a-b-c-d', key: 'k-1234', keyColumns: ['id'] })).toEqual({
      auth: '***',
      key: '***',
      keyColumns: ['id'],
    });
  });

  it("leaves PostgreSQL's messages about keys and passwords readable", () => {
    const detail = 'Key (symbol, price_date)=(AAPL, 2010-03-01) already exists.';
    expect(redactText(detail)).toBe(detail);
    const login = 'password authentication failed for user "loader"';
    expect(redactText(login)).toBe(login);
  });
});

describe('logging: registered secrets', () => {
  it('a registered value is masked as it is and URL-encoded', () => {
    registerSecret('p@ss/word-91');
    expect(redactText('a p@ss/word-91 b p%40ss%2Fword-91')).toBe('a *** b ***');
  });

  it('registerSecretsOf registers values under secret keys and URL passwords, at any depth', () => {
    registerSecretsOf({
      smtp: { password: 'smtp-pw-5521', host: 'mail.example.com' },
      connectors: {
        crm: { url: 'postgres://u:url-pw-8812@db/crm' },
        api: { headers: { 'X-Api-Key': 'hk-7781' } },
      },
    });
    expect(redactText('smtp-pw-5521 url-pw-8812 hk-7781 mail.example.com')).toBe(
      '*** *** *** mail.example.com',
    );
  });

  it('maskUrl masks the password and credential query parameters of a database URL', () => {
    expect(maskUrl('postgres://u:secret-1@h/db?sslpassword=x&app=y')).toBe(
      'postgres://u:***@h/db?sslpassword=***&app=y',
    );
  });
});
