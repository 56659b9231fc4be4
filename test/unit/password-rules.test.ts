import { expect } from 'chai';
import { passwordProblem } from '../../src/domain/passwords.js';
import { isCommonPassword } from '../../src/lib/passwords.js';

const context = { email: 'maria.santos@liwanag.example', organisationNames: ['Liwanag Demo Foundation'], isCommon: isCommonPassword };

describe('password rules (SECURITY.md A2)', () => {
  it('wants 12 to 128 characters, counted as people see them', () => {
    expect(passwordProblem('elevenchars', context)).to.equal('tooShort');
    expect(passwordProblem('twelve chars', context)).to.equal(undefined);
    expect(passwordProblem('x'.repeat(129), context)).to.equal('tooLong');
    // 12 Thai characters with combining marks: more code units than characters.
    expect(passwordProblem('รักษาความปลอดภัยเด็ก', context)).to.equal(undefined);
    expect(passwordProblem('ก่ก่ก่ก่ก่', context), 'five clusters').to.equal('tooShort');
  });

  it('accepts any script and has no composition rules', () => {
    for (const ok of ['all lower case words here', 'ការពារកុមារជានិច្ចគ្រប់ថ្ងៃ', 'bảo vệ trẻ em mỗi ngày', 'ကလေးများကို ကာကွယ်ပါ']) {
      expect(passwordProblem(ok, context), ok).to.equal(undefined);
    }
  });

  it('refuses passwords on the bundled common-password list, whatever their case', () => {
    expect(isCommonPassword('qwertyuiopasdfghjkl')).to.equal(true);
    expect(passwordProblem('1q2w3e4r5t6y', context)).to.equal('common');
    expect(passwordProblem('Password1234', context)).to.equal('common');
  });

  it('refuses passwords holding the email, its name part, or the organisation’s name', () => {
    expect(passwordProblem('my maria.santos@liwanag.example', context)).to.equal('containsEmail');
    expect(passwordProblem('hello maria.santos 2026', context)).to.equal('containsEmail');
    expect(passwordProblem('LiwanagDemoFoundation!!', context)).to.equal('containsOrganisation');
  });
});
