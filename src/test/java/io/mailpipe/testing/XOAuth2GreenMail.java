package io.mailpipe.testing;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import com.icegreen.greenmail.Managers;
import com.icegreen.greenmail.imap.ImapHostManager;
import com.icegreen.greenmail.server.AbstractServer;
import com.icegreen.greenmail.smtp.SmtpManager;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.user.UserManager;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

/**
 * GreenMail whose IMAP server checks XOAUTH2 access tokens as a real provider does, instead of comparing the token with
 * the user's password (GreenMail's own XOAUTH2): {@code check} answers null for a valid token, else why not. Password
 * logins are refused. Users are set up as usual ({@link #setUser}).
 */
public final class XOAuth2GreenMail extends GreenMail {

    private final Function<String, String> check;
    private final List<String> refusals = new CopyOnWriteArrayList<>();
    private final List<String> accepted = new CopyOnWriteArrayList<>();

    public XOAuth2GreenMail(ServerSetup[] setups, Function<String, String> check) {
        super(setups);
        this.check = check;
    }

    /** Tokens that logged in, in order. */
    public List<String> acceptedTokens() {
        return List.copyOf(accepted);
    }

    /** Why each refused login was refused, in order. */
    public List<String> refusals() {
        return List.copyOf(refusals);
    }

    @Override
    protected Map<String, AbstractServer> createServices(ServerSetup[] config, Managers mgr) {
        return super.createServices(config, new TokenCheckingManagers(mgr));
    }

    /** The same managers, except that the user manager checks tokens. */
    private final class TokenCheckingManagers extends Managers {
        private final Managers managers;
        private final UserManager users;

        TokenCheckingManagers(Managers managers) {
            this.managers = managers;
            this.users = new TokenCheckingUsers(managers.getUserManager());
        }

        @Override
        public UserManager getUserManager() {
            return users;
        }

        @Override
        public ImapHostManager getImapHostManager() {
            return managers.getImapHostManager();
        }

        @Override
        public SmtpManager getSmtpManager() {
            return managers.getSmtpManager();
        }
    }

    /** GreenMail's users; a login passes only with a valid access token as the "password". */
    private final class TokenCheckingUsers extends UserManager {
        private final UserManager users;

        TokenCheckingUsers(UserManager users) {
            super(users.getImapHostManager());
            this.users = users;
        }

        @Override
        public boolean test(String userId, String token) {
            String why = users.hasUser(userId) ? check.apply(token) : "unknown user";
            if (why == null) {
                accepted.add(token);
                return true;
            }
            refusals.add(why);
            return false;
        }

        @Override
        public GreenMailUser getUser(String login) {
            return users.getUser(login);
        }

        @Override
        public GreenMailUser getUserByEmail(String email) {
            return users.getUserByEmail(email);
        }

        @Override
        public boolean hasUser(String userId) {
            return users.hasUser(userId);
        }

        @Override
        public boolean isAuthRequired() {
            return true;
        }
    }
}
