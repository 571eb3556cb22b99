package io.mailpipe.bounce;

/**
 * What a detector extracted about one recipient, before the reason is decided. Mutable, used only
 * between the detector and {@link ReasonClassifier}; becomes an immutable {@link BounceRecord}.
 */
final class Finding {
    String recipient;
    String status;
    String replyCode;
    String action;
    String diagnostic;
    /** Diagnostic-Code type: "smtp", "x-unix", ... (lower case); null when unknown. */
    String diagnosticType;
    /** The SMTP command the remote host answered (RCPT, MAIL, DATA, HELO, CONN); null when unknown. */
    String command;
    String reportingMta;
    String remoteMta;
    String feedbackType;
    /**
     * What the detector read from its format's fixed texts (qmail's "couldn't find any host named"): counts like the
     * phrase rules' words, so a specific status code still decides first; null to let the rules decide. What a
     * report is (feedback, vacation, delivered, suppressed) is always the detector's word.
     */
    Reason reason;
    /**
     * True when {@link #reason} comes from a format's own error code (Exchange's MSEXCH codes, a carrier's fixed
     * sentence): no code or phrase overrides it.
     */
    boolean reasonFinal;
    /** The SES bounce type the report itself states (an SES notification); null to map it from the reason. */
    SesClassification ses;
    /** Set for non-failure reports (complaint, autoreply); null means decide from action/status. */
    Kind kind;

    Finding() {
    }

    Finding(String recipient, String diagnostic) {
        this.recipient = recipient;
        this.diagnostic = diagnostic;
    }

    @Override
    public String toString() {
        // No addresses or diagnostic text: this may end up in logs.
        return "Finding[status=" + status + ", reply=" + replyCode + ", action=" + action + "]";
    }
}
