package io.mailpipe.inbox;

import java.util.List;

import io.mailpipe.testing.DovecotServer;

/**
 * {@link BouncePipelineIT}'s whole flow (correlated events, suppressions, SUPPRESSED outcomes, the unparsed path, a
 * restart that reads a report again) with the bounce mailbox on a real Dovecot instead of GreenMail's IMAP side.
 * Skipped with a message without Dovecot; {@code -Dmailpipe.requireDovecot=true} makes that a failure.
 */
class BouncePipelineDovecotIT extends BouncePipelineIT {
    @Override
    BounceMailboxServer mailboxServer() throws Exception {
        DovecotServer.assumeAvailable("BouncePipelineDovecotIT");
        DovecotServer dovecot = DovecotServer.start(List.of("bounces"));
        return new BounceMailboxServer() {
            @Override
            public int imapPort() {
                return dovecot.port();
            }

            @Override
            public String user() {
                return "bounces";
            }

            @Override
            public String password() {
                return DovecotServer.PASSWORD;
            }

            @Override
            public void deliver(byte[] raw) throws Exception {
                dovecot.deliver("bounces", raw);
            }

            @Override
            public void close() {
                dovecot.close();
                dovecot.deleteFiles();
            }
        };
    }
}
