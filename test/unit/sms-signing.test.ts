import { aliyunSignature, aliyunStringToSign, tc3Sign } from '../../src/services/reach/sms-signing';

/** Issue 28: each provider's signer against the worked example in the provider's own documentation. */
describe('SMS request signatures, against the providers\' worked examples', () => {
  it('阿里云 RPC HMAC-SHA1: the DescribeRegions example (testid / testsecret)', () => {
    const params = {
      TimeStamp: '2016-02-23T12:46:24Z',
      Format: 'XML',
      AccessKeyId: 'testid',
      Action: 'DescribeRegions',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
      Version: '2014-05-26',
      SignatureVersion: '1.0',
    };
    // (the page prints the inner separators as `&`; they are encoded once more, `%26`, and only that form gives its signature)
    expect(aliyunStringToSign('GET', params)).toBe(
      'GET&%2F&' + 'AccessKeyId%3Dtestid&Action%3DDescribeRegions&Format%3DXML&SignatureMethod%3DHMAC-SHA1&SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf&SignatureVersion%3D1.0&TimeStamp%3D2016-02-23T12%253A46%253A24Z&Version%3D2014-05-26'.replace(/&/g, '%26'),
    );
    expect(aliyunSignature('GET', params, 'testsecret')).toBe('CT9X0VtwR86fNWSnsc6v8YGOjuE=');
  });

  it('阿里云: a space is %20, and * and ~ follow RFC 3986', () => {
    expect(aliyunStringToSign('POST', { A: 'a b*~' })).toBe('POST&%2F&A%3Da%2520b%252A~');
  });

  it('腾讯云 TC3-HMAC-SHA256: the DescribeInstances example (timestamp 1551113065)', () => {
    const r = tc3Sign({
      secretId: 'AKIDEXAMPLE',
      secretKey: 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLE',
      service: 'cvm',
      host: 'cvm.tencentcloudapi.com',
      timestamp: 1551113065,
      payload: '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}',
    });
    expect(r.canonicalRequest.split('\n').at(-1)).toBe('35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064');
    expect(r.stringToSign).toBe('TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031');
    expect(r.signature).toBe('72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168');
    expect(r.authorization).toBe(
      'TC3-HMAC-SHA256 Credential=AKIDEXAMPLE/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168',
    );
  });
});
