package com.chaojiyuyan.kernel.deviceflow;

/**
 * The pages of {@code /activate}: plain HTML with inline styles, no scripts and no external assets.
 * Every value from a request or the database goes through {@link #esc}.
 */
final class ActivateHtml {
    static final String UNKNOWN = "That code is not valid. Check it against the one the program shows and try again.";
    static final String EXPIRED = "Codes are valid for a few minutes. Start the sign-in again in the program to get a new one.";
    static final String USED = "This code was already approved or denied. Start the sign-in again in the program if you need a new one.";

    private ActivateHtml() {
    }

    static String signIn(String code, String error) {
        return layout("Sign in", null, """
                <h1>Sign in to connect a program</h1>
                %s
                <p>Sign in with your account to approve the program that showed you a code.</p>
                <form method="post" action="%s">
                  <input type="hidden" name="action" value="sign_in">
                  %s
                  <label for="email">Email</label>
                  <input id="email" name="email" type="email" autocomplete="username" required autofocus>
                  <label for="password">Password</label>
                  <input id="password" name="password" type="password" autocomplete="current-password" required>
                  <button type="submit">Sign in</button>
                </form>
                """.formatted(error(error), ActivatePage.PATH,
                code == null ? "" : "<input type=\"hidden\" name=\"code\" value=\"" + esc(code) + "\">"));
    }

    static String enterCode(ActivatePage.Session session, String typed, String error) {
        return layout("Enter the code", session, """
                <h1>Enter the code</h1>
                %s
                <p>Type the code the program shows you, for example <span class="code">WDJB-MJHT</span>.</p>
                <form method="get" action="%s">
                  <label for="code">Code</label>
                  <input id="code" name="code" type="text" value="%s" autocomplete="off" autocapitalize="characters"
                         spellcheck="false" inputmode="text" maxlength="16" required autofocus aria-describedby="code-hint">
                  <p id="code-hint" class="hint">Eight letters; the dash is optional, and case does not matter.</p>
                  <button type="submit">Continue</button>
                </form>
                """.formatted(error(error), ActivatePage.PATH, typed == null ? "" : esc(typed)));
    }

    static String confirm(ActivatePage.Session session, DeviceAuthorization a) {
        String code = UserCodes.display(a.userCode());
        return layout("Approve " + a.clientName() + "?", session, """
                <h1>Connect “%s”?</h1>
                <p>A program named <strong>%s</strong> asks to act for your account.</p>
                <p>Check that the program shows this same code:</p>
                <p class="code" aria-label="Code %s">%s</p>
                <p class="hint">Approving creates an agent named “%s” with its own key, which you can revoke at any time.
                If you did not start this, deny it.</p>
                <form method="post" action="%s" class="actions">
                  <input type="hidden" name="csrf" value="%s">
                  <input type="hidden" name="code" value="%s">
                  <button type="submit" name="action" value="approve">Approve</button>
                  <button type="submit" name="action" value="deny" class="secondary">Deny</button>
                </form>
                """.formatted(esc(a.clientName()), esc(a.clientName()), String.join(" ", code.split("")), code,
                esc(a.clientName()), ActivatePage.PATH, session.csrf(), code));
    }

    static String message(ActivatePage.Session session, String title, String text) {
        return layout(title, session, """
                <h1>%s</h1>
                <p role="status">%s</p>
                """.formatted(esc(title), esc(text)));
    }

    private static String error(String error) {
        return error == null ? "" : "<p class=\"error\" role=\"alert\">" + esc(error) + "</p>";
    }

    private static String layout(String title, ActivatePage.Session session, String main) {
        String signedIn = session == null ? "" : """
                <header>
                <form method="post" action="%s" class="who">
                  <span>Signed in as %s</span>
                  <input type="hidden" name="csrf" value="%s">
                  <button type="submit" name="action" value="sign_out" class="link">Sign out</button>
                </form>
                </header>
                """.formatted(ActivatePage.PATH, esc(session.owner().email()), session.csrf());
        return """
                <!doctype html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>%s · chaojiyuyan</title>
                <style>
                  :root { color-scheme: light dark; --fg: #1b1f24; --bg: #f6f7f9; --card: #fff; --muted: #555e68;
                          --accent: #0b5cad; --danger: #a4161a; --line: #cfd5dc; }
                  @media (prefers-color-scheme: dark) {
                    :root { --fg: #e8eaed; --bg: #15181c; --card: #1e2227; --muted: #aab2bb; --accent: #7ab8ff;
                            --danger: #ff8a8a; --line: #3a4048; }
                  }
                  * { box-sizing: border-box; }
                  body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
                         color: var(--fg); background: var(--bg); }
                  main { max-width: 28rem; margin: 3rem auto; padding: 2rem; background: var(--card);
                         border: 1px solid var(--line); border-radius: 12px; }
                  header { max-width: 28rem; margin: 2rem auto -2rem; padding: 0 .5rem; color: var(--muted); }
                  h1 { font-size: 1.4rem; margin-top: 0; }
                  label { display: block; font-weight: 600; margin-top: 1rem; }
                  input[type=email], input[type=password], input[type=text] { width: 100%%; padding: .6rem; margin-top: .25rem;
                         font: inherit; color: inherit; background: transparent; border: 1px solid var(--muted); border-radius: 6px; }
                  button { margin-top: 1.25rem; padding: .6rem 1.2rem; font: inherit; font-weight: 600; border-radius: 6px;
                           border: 2px solid var(--accent); background: var(--accent); color: var(--card); cursor: pointer; }
                  button.secondary { background: transparent; color: var(--accent); }
                  button.link { margin: 0 0 0 .5rem; padding: 0; border: 0; background: none; color: var(--accent);
                                font-weight: 400; text-decoration: underline; }
                  :focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
                  .actions { display: flex; gap: .75rem; }
                  .code { font: 700 1.8rem/1.2 ui-monospace, "SFMono-Regular", Menlo, monospace; letter-spacing: .12em; }
                  .hint { color: var(--muted); font-size: .9rem; }
                  .error { color: var(--danger); font-weight: 600; }
                  .who { margin: 0; font-size: .9rem; }
                </style>
                </head>
                <body>
                %s<main>
                %s
                </main>
                </body>
                </html>
                """.formatted(esc(title), signedIn, main);
    }

    static String esc(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
