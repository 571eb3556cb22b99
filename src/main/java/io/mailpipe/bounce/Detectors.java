package io.mailpipe.bounce;

import java.util.List;

/**
 * The explicit, ordered detector registry. Specific formats first; the RFC 3464 parser catches
 * every remaining multipart/report; the generic text scanner is the last resort.
 */
final class Detectors {
    static final List<Detector> DEFAULT = List.of(
            new ArfDetector(),
            new FmlDetector(),
            new AmazonSesDetector(),
            new ReceivingSesDetector(),
            new GSuiteDetector(),
            new GoogleGroupsDetector(),
            new MessageLabsDetector(),
            new McAfeeDetector(),
            new OutlookDetector(),
            new DominoDetector(),
            new EzwebDetector(),
            new PowerMtaDetector(),
            new Rfc3464Detector(),
            new InlineDsnDetector(),
            new EximDetector(),
            new Exchange2003Detector(),
            new ImailDetector(),
            new NotesDetector(),
            new X6Detector(),
            new VerizonDetector(),
            new ActivehunterDetector(),
            new KddiDetector(),
            new InterScanDetector(),
            new QmailDetector(),
            new DragonFlyDetector(),
            new OpenSmtpdDetector(),
            new GmailDetector(),
            new ZohoDetector(),
            new AutoReplyDetector(),
            new GenericTextDetector(),
            new VerpDetector(),
            new ReturnedOriginalDetector());

    private Detectors() {
    }
}
