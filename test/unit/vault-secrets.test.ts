import { expect } from 'chai';
import { maskSecrets as maskEverywhere } from '../../core/secrets.js';
import { clearSecrets, containsSecret, isSecretValue, markSecret, maskSecrets, secretValues } from '../../core/vault/secrets.js';

describe('secret value registry', () => {
  afterEach(() => clearSecrets());

  it('remembers marked values and masks them inside any text, longest first', () => {
    markSecret('s3cret');
    markSecret('s3cret-longer');
    expect(isSecretValue('s3cret')).to.equal(true);
    expect(isSecretValue('other')).to.equal(false);
    expect(secretValues()).to.deep.equal(['s3cret-longer', 's3cret']);
    expect(containsSecret('auth_pass s3cret-longer')).to.equal(true);
    expect(maskSecrets('a s3cret-longer b s3cret c')).to.equal('a ******** b ******** c');
  });

  it('does not register empty or one-character values', () => {
    markSecret('');
    markSecret('x');
    expect(secretValues()).to.deep.equal([]);
    expect(maskSecrets('x y')).to.equal('x y');
  });

  it('is the registry every output path masks with: a decrypted value is masked in results and reports', () => {
    markSecret('v4ult-decrypted');
    expect(maskEverywhere({ msg: 'pass is v4ult-decrypted', items: ['v4ult-decrypted'] })).to.deep.equal({ msg: 'pass is ********', items: ['********'] });
  });
});
