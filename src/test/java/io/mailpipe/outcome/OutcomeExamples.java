package io.mailpipe.outcome;

import io.mailpipe.outcome.OutcomeEvent.RejectedRecipient;
import io.mailpipe.outcome.OutcomeEvent.Smtp;
import io.mailpipe.outcome.OutcomeEvent.Source;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Outcome events as {@code DeliveryService} builds them: for every reason code, with fewest and with most fields. */
final class OutcomeExamples {

    static final Instant AT = Instant.parse("2025-03-01T10:15:30Z");

    private OutcomeExamples() {
    }

    /** A named example event. */
    record Example(String name, OutcomeEvent event) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Example> all() {
        List<Example> examples = new ArrayList<>();
        for (ReasonCode code : ReasonCode.values()) {
            examples.add(new Example(code.code() + " (fewest fields)", minimal(code.status(), code)));
            examples.add(new Example(code.code() + " (most fields)", full(code)));
        }
        examples.add(new Example("instants with a fraction", new OutcomeEvent("id-frac", Status.DEFERRED,
                ReasonCode.TEMPORARY_FAILURE.code(), "451 try later", "shop", 3, null, null, null, null,
                AT.plusNanos(123_456_789), source(), AT.plusMillis(5))));
        examples.add(new Example("id of an unreadable record", new OutcomeEvent("mail.requests-3@1187", Status.REJECTED,
                ReasonCode.MALFORMED_JSON.code(), "not JSON", null, 1, null, null, null, null, null,
                new Source("mail.requests", 3, 1187), AT)));
        examples.add(new Example("reply without enhanced code", new OutcomeEvent("id-421", Status.DEFERRED,
                ReasonCode.TEMPORARY_FAILURE.code(), "421 closing", "shop", 2, new Smtp(421, null, "Service not available"),
                "<abc@mail.example>", null, null, AT.plusSeconds(60), source(), AT)));
        examples.add(new Example("unicode text", new OutcomeEvent("заказ-1", Status.SENT, ReasonCode.ACCEPTED.code(),
                "accepted by smtp.mail.ru", "магазин", 1, new Smtp(250, "2.0.0", "Ok: принято"), "<x@mail.ru>",
                "весна", null, null, source(), AT)));
        examples.add(new Example("split request", new OutcomeEvent("campaign-7", Status.DEFERRED,
                ReasonCode.PARTIALLY_DEFERRED.code(), "split into 2 messages, 1 accepted; 451 try later", "shop", 1,
                new Smtp(451, "4.3.0", "try later"), "<p1@mail.example>", "spring", null, AT.plusSeconds(60), source(), AT,
                List.of(new OutcomeEvent.Part(1, "<p1@mail.example>", List.of("a@example.org", "b@example.org"), Status.SENT,
                                ReasonCode.ACCEPTED.code(), new Smtp(250, "2.0.0", "Ok")),
                        new OutcomeEvent.Part(2, "<p2@mail.example>", List.of("c@example.org"), Status.DEFERRED,
                                ReasonCode.TEMPORARY_FAILURE.code(), new Smtp(451, "4.3.0", "try later"))))));
        return examples;
    }

    static Source source() {
        return new Source("mail.requests", 2, 4711L);
    }

    /** Only the fields every event has (and retryAt, which every DEFERRED event has). */
    static OutcomeEvent minimal(Status status, ReasonCode code) {
        return new OutcomeEvent("order-4711", status, code.code(), "why: " + code.code(), null, 1, null, null, null,
                null, status == Status.DEFERRED ? AT.plus(Duration.ofSeconds(30)) : null, source(), AT);
    }

    /** Every field that can apply to this reason. */
    static OutcomeEvent full(ReasonCode code) {
        Smtp ok = new Smtp(250, "2.0.0", "Ok: queued as 4XyZ1");
        Smtp unknownUser = new Smtp(550, "5.1.1", "<nobody@example.com>: Recipient address rejected: User unknown");
        List<RejectedRecipient> rejected = List.of(new RejectedRecipient("nobody@example.com", unknownUser),
                new RejectedRecipient("gone@example.org", null));
        String account = "shop-mailru";
        String messageId = "<k5sg2a7qjzq3vxbv5hd4ymtu@mail.ru>";
        Smtp smtp = switch (code) {
            case ACCEPTED, PARTIALLY_ACCEPTED -> ok;
            case RECIPIENT_REJECTED -> unknownUser;
            case MESSAGE_REJECTED -> new Smtp(554, "5.7.1", "Message rejected as spam");
            case TEMPORARY_FAILURE, ATTEMPTS_EXHAUSTED, MAX_AGE_EXCEEDED, NOT_AFTER_PASSED, PARTIALLY_DEFERRED ->
                    new Smtp(451, "4.7.1", "Greylisted, try again later");
            case AUTHENTICATION_FAILED -> new Smtp(535, "5.7.8", "Authentication credentials invalid");
            case TLS_FAILED -> new Smtp(454, null, "TLS not available due to temporary reason");
            case RATE_LIMITED -> new Smtp(550, "5.4.5", "Daily user sending quota exceeded.");
            case ACCOUNT_BLOCKED -> new Smtp(554, "5.7.1", "[2] Message rejected under suspicion of SPAM");
            default -> null;
        };
        boolean noAccount = code.status() == Status.REJECTED && code != ReasonCode.MESSAGE_TOO_LARGE
                && code != ReasonCode.TOO_MANY_RECIPIENTS || code == ReasonCode.ACCOUNTS_AT_LIMIT;
        boolean composed = !noAccount && code != ReasonCode.TOO_MANY_RECIPIENTS;
        boolean someRejected = code == ReasonCode.PARTIALLY_ACCEPTED || code == ReasonCode.RECIPIENT_REJECTED
                || code == ReasonCode.PARTIALLY_DEFERRED;
        return new OutcomeEvent("order-4711-shipped", code.status(), code.code(), "reason for " + code.code(), noAccount
                ? null : account, code.status() == Status.REJECTED ? 1 : 4, smtp, composed ? messageId : null, "spring-sale",
                someRejected ? rejected : null, code.status() == Status.DEFERRED ? AT.plus(Duration.ofMinutes(4)) : null,
                new Source("mail.retry", 0, 0L), AT);
    }

    /** Every pair of a status and a reason code, whether they belong together or not. */
    static List<Object[]> everyStatusWithEveryReason() {
        return Arrays.stream(Status.values())
                .flatMap(s -> Arrays.stream(ReasonCode.values()).map(c -> new Object[] {s, c}))
                .toList();
    }
}
