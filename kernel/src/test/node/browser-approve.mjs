// A person approving a program in a real browser: the program (openid-client) asks for a code and
// polls; Chromium, driven by Playwright, opens the verification link, signs in, checks the code and
// approves. Prints {"event":"token",...} when the program has its key, or {"event":"error",...}.
import * as client from 'openid-client';
import { chromium } from 'playwright-core';

const [issuer, clientName, email, password] = process.argv.slice(2);
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

function emit(event) {
  process.stdout.write(JSON.stringify(event) + '\n');
}

let browser;
try {
  const config = await client.discovery(new URL(issuer), 'browser-approve-test', undefined, client.None(), {
    algorithm: 'oauth2',
    execute: [client.allowInsecureRequests],
  });
  const grant = await client.initiateDeviceAuthorization(config, { client_name: clientName });
  const polling = client.pollDeviceAuthorizationGrant(config, grant);

  browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage();
  await page.goto(grant.verification_uri_complete);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: `Connect “${clientName}”?` }).waitFor();
  const shown = (await page.locator('p.code').textContent()).trim();
  if (shown !== grant.user_code) {
    throw new Error(`the page shows code ${shown}, the program was given ${grant.user_code}`);
  }
  await page.getByRole('button', { name: 'Approve' }).click();
  await page.getByRole('heading', { name: 'Approved' }).waitFor();

  const tokens = await polling;
  emit({ event: 'token', access_token: tokens.access_token, token_type: tokens.token_type, agent_id: tokens.agent_id,
    user_code: grant.user_code });
} catch (e) {
  emit({ event: 'error', error: e.error ?? null, code: e.code ?? null, message: String(e.message) });
  process.exitCode = 1;
} finally {
  await browser?.close();
}
