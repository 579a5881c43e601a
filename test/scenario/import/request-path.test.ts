import { describe, expect, it } from 'vitest';
import { normalizeProject, projectOfFile, RequestClassifier, urlPath } from '../../../src/scenario/import/request-path.js';
import { clientAgent } from '../../../src/scenario/import/user-agent.js';

describe('what a request asked for', () => {
  const classifier = new RequestClassifier();
  for (const [method, url, kind, project] of [
    ['GET', 'http://pypi.example.internal:80/Foo_Bar/', 'project-root', 'foo-bar'],
    ['GET', 'https://pypi.example.internal:443/foo.bar', 'project-root', 'foo-bar'],
    ['GET', 'https://pypi.example.internal:443/simple/Foo__Bar/?x=1', 'project-simple', 'foo-bar'],
    ['HEAD', '/simple/requests/', 'project-simple', 'requests'],
    ['GET', 'http://h:80/packages/foo_bar-1.0-py3-none-any.whl', 'file', 'foo-bar'],
    ['GET', 'http://h:80/packages/foo_bar-1.0-1-cp311-cp311-manylinux_2_17_x86_64.whl#sha256=00', 'file', 'foo-bar'],
    ['GET', 'http://h:80/packages/sub/dir/My.Project-2.0.tar.gz', 'file', 'my-project'],
    ['GET', 'http://h:80/my%2Dproject-1.0.zip', 'file', 'my-project'],
    ['GET', 'http://h:80/simple/', 'listing', ''],
    ['GET', 'http://h:80/', 'welcome', ''],
    ['GET', 'http://h:80', 'welcome', ''],
    ['GET', 'http://h:80/favicon.ico', 'other', ''],
    ['GET', 'http://h:80/packages/', 'other', ''],
    ['GET', 'http://h:80/foo/json', 'other', ''],
    ['POST', 'http://h:80/', 'other', ''],
    ['-', '-', 'other', ''],
  ] as Array<[string, string, string, string]>) {
    it(`${method} ${url}: ${kind}${project ? ` of ${project}` : ''}`, () => {
      const target = classifier.classify(method, url);
      expect([target.kind, target.project]).toEqual([kind, project]);
    });
  }

  it('normalizes names as PEP 503 and reads the distribution of wheels and sdists', () => {
    expect(normalizeProject('Foo._-Bar')).toBe('foo-bar');
    expect(projectOfFile('pkg_003-2.0.0-py3-none-any.whl')).toBe('pkg-003');
    expect(projectOfFile('zope.interface-6.0.tar.gz')).toBe('zope-interface');
    expect(projectOfFile('not-a-distribution.txt')).toBe('');
    expect(urlPath('http://h:80/a/b?q=1#f')).toBe('/a/b');
    expect(urlPath('/a%20b/')).toBe('/a b/');
  });

  it('tells clients apart by user agent', () => {
    expect(clientAgent('pip/25.3 {"ci":null,"cpu":"x86_64"}')).toEqual({ family: 'pip', product: 'pip/25.3' });
    expect(clientAgent('poetry/2.1.3 CPython/3.12.3 Linux/6.8.0')).toEqual({ family: 'poetry', product: 'poetry/2.1.3' });
    expect(clientAgent('python-requests/2.32.3')).toEqual({ family: 'python-requests', product: 'python-requests/2.32.3' });
    expect(clientAgent('uv/0.5.1 {"installer":{"name":"uv"}}')).toEqual({ family: 'other', product: 'uv/0.5.1' });
    expect(clientAgent('-')).toEqual({ family: 'other', product: '-' });
  });
});
