package io.mailpipe.testing;

import java.util.Properties;

import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;

/** What an IMAP server holds, as a client sees it: for the bounce mailbox tests (GreenMail, Dovecot). */
public final class ImapFolders {
    private ImapFolders() {
    }

    /** A plain-IMAP client session on 127.0.0.1 (the caller closes it). */
    public static Store connect(int port, String user, String password) throws MessagingException {
        Properties p = new Properties();
        p.setProperty("mail.imap.connectiontimeout", "10000");
        p.setProperty("mail.imap.timeout", "30000");
        Store store = Session.getInstance(p).getStore("imap");
        store.connect("127.0.0.1", port, user, password);
        return store;
    }

    /** Messages in a folder that are neither expunged nor flagged deleted; 0 when the folder does not exist. */
    public static int count(int port, String user, String password, String folderName) throws MessagingException {
        try (Store store = connect(port, user, password)) {
            Folder folder = store.getFolder(folderName);
            if (!folder.exists()) {
                return 0;
            }
            folder.open(Folder.READ_ONLY);
            try {
                int n = 0;
                for (Message m : folder.getMessages()) {
                    if (!m.isExpunged() && !m.isSet(Flags.Flag.DELETED)) {
                        n++;
                    }
                }
                return n;
            } finally {
                folder.close(false);
            }
        }
    }
}
