import { Writable } from 'node:stream';
import { pino } from 'pino';
import { REDACT_PATHS, pinoParams, redactUrl } from './logger.js';

describe('redactUrl: request URLs in log lines carry no signed-link tokens', () => {
  it('replaces the sig value of a download link and keeps the path and other parameters', () => {
    const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJl';
    const url = `/api/files/0b7c/download?sig=${token}&x=1`;
    expect(redactUrl(url)).toBe('/api/files/0b7c/download?sig=[redacted]&x=1');
    expect(redactUrl(`/api/files/0b7c/preview?a=b&SIG=${token}`)).toBe(
      '/api/files/0b7c/preview?a=b&SIG=[redacted]',
    );
    expect(redactUrl(`/x?token=${token}#frag`)).not.toContain(token);
  });

  it('leaves URLs without secrets unchanged', () => {
    expect(redactUrl('/api/search?q=一元一次方程&signature=kept')).toBe(
      '/api/search?q=一元一次方程&signature=kept',
    );
    expect(redactUrl('/api/health')).toBe('/api/health');
  });

  it('is what the request logger writes as the URL of every request', () => {
    const options = pinoParams('info', 'api').pinoHttp as {
      serializers: { req: (req: { id: string; method: string; url: string }) => { url: string } };
    };
    const logged = options.serializers.req({
      id: 'r1',
      method: 'GET',
      url: '/api/files/f/download?sig=SECRET',
    });
    expect(JSON.stringify(logged)).not.toContain('SECRET');
    expect(logged.url).toBe('/api/files/f/download?sig=[redacted]');
  });
});

describe('redaction of secrets in log lines', () => {
  const capture = () => {
    const lines: string[] = [];
    const out = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const logger = pino({ redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, out);
    return { logger, lines };
  };

  it('never writes a presigned redirect URL, a token header or a password', () => {
    const { logger, lines } = capture();
    logger.info(
      {
        req: { headers: { authorization: 'Bearer eyJ.SECRET-JWT.sig' } },
        res: {
          headers: {
            location: 'https://minio.example/obj?X-Amz-Signature=SECRET-SIG',
            'set-cookie': 'a=SECRET-C',
          },
        },
        body: { password: 'SECRET-PW', refreshToken: 'SECRET-RT' },
      },
      'request completed',
    );
    const line = lines.join('');
    expect(line).toContain('request completed');
    expect(line).not.toMatch(/SECRET/);
    expect(line).toContain('[redacted]');
  });
});
