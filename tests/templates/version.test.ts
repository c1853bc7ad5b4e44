/**
 * One version number: package.json's, the Serverless Application Repository entry's
 * SemanticVersion in template.yaml, the construct package's, and CHANGELOG.md's latest heading.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { asRecord, loadTemplate, ROOT, SAM_TEMPLATE_TEXT } from './helpers.ts';

const versionOf = (file: string) => (JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as { version: string }).version;

describe('Template: the Serverless Application Repository metadata', () => {
  const application = asRecord(asRecord(loadTemplate(SAM_TEMPLATE_TEXT).Metadata, 'Metadata')['AWS::ServerlessRepo::Application'], 'application');

  it('carries one version: package.json, SemanticVersion, the construct package and the changelog', () => {
    const version = versionOf('package.json');
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(application.SemanticVersion).toBe(version);
    expect(versionOf('cdk/package.json')).toBe(version);
    expect(readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8')).toMatch(new RegExp(`^## ${version.replace(/\./g, '\\.')} `, 'm'));
  });

  it('is complete: name, description, author, SPDX license with its file, README, labels, URLs', () => {
    expect(Object.keys(application).sort()).toEqual(
      ['Author', 'Description', 'HomePageUrl', 'Labels', 'LicenseUrl', 'Name', 'ReadmeUrl', 'SemanticVersion', 'SourceCodeUrl', 'SpdxLicenseId'].sort(),
    );
    expect(application.SpdxLicenseId).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).license);
    expect(readFileSync(join(ROOT, String(application.LicenseUrl)), 'utf8')).toContain('Apache License\n                           Version 2.0');
    expect(readFileSync(join(ROOT, String(application.ReadmeUrl)), 'utf8')).toContain('# Custom::MultiRegionKmsKeys');
    // SAR: 1-140 characters, at most 10 labels of 1-127 characters [a-zA-Z0-9+-_:/@].
    expect(String(application.Name)).toMatch(/^[a-zA-Z0-9-]{1,140}$/);
    expect((application.Description as string).length).toBeLessThanOrEqual(256);
    expect(application.Labels as string[]).toEqual(expect.arrayContaining([expect.stringMatching(/^[a-zA-Z0-9+\-_:/@]{1,127}$/)]));
    expect((application.Labels as string[]).length).toBeLessThanOrEqual(10);
    expect(application.SourceCodeUrl).toMatch(/^https:\/\//);
    expect(application.HomePageUrl).toMatch(/^https:\/\//);
  });
});
