package io.mailpipe.pipeline;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailpipe.account.Account;
import io.mailpipe.account.AccountSelector;
import io.mailpipe.account.PushbackJudge;
import io.mailpipe.compose.AttachmentSpec;
import io.mailpipe.compose.ComposedMessage;
import io.mailpipe.compose.ListUnsubscribe;
import io.mailpipe.compose.RecipientSplitter;
import io.mailpipe.compose.TemplateRef;
import io.mailpipe.compose.CompositionException;
import io.mailpipe.compose.MessageComposer;
import io.mailpipe.compose.MessageSpec;
import io.mailpipe.config.UncertainPolicy;
import io.mailpipe.kafka.MailpipeHeaders;
import io.mailpipe.ledger.RequestLedger;
import io.mailpipe.ledger.OffsetContinuity;
import io.mailpipe.outcome.OutcomeEvent;
import io.mailpipe.outcome.ReasonCode;
import io.mailpipe.outcome.Status;
import io.mailpipe.request.InvalidRequestException;
import io.mailpipe.request.MailRequest;
import io.mailpipe.request.RequestReader;
import io.mailpipe.retry.RetryPolicy;
import io.mailpipe.smtp.MessageRefusedBeforeSending;
import io.mailpipe.smtp.RecipientFailure;
import io.mailpipe.smtp.SendFailure;
import io.mailpipe.smtp.SmtpFailureClassifier;
import io.mailpipe.smtp.SmtpReply;
import io.mailpipe.suppression.SuppressionList;

/**
 * The send pipeline's decisions, free of Camel and Kafka: read and check a request record, choose the account,
 * compose the message, then turn what happened into a {@link Conclusion} (the worker writes it to Kafka). The Camel processors in
 * {@code io.mailpipe.worker} only call these methods.
 */
public final class DeliveryService {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryService.class);
    private static final Duration LEDGER_WAIT = Duration.ofSeconds(60);
    private static final Duration CLAIM_WAIT = Duration.ofMinutes(5);
    /** Failover entries a retry record carries at most (the latest ones). */
    private static final int MAX_FAILOVERS_CARRIED = 20;

    private final RequestReader reader;
    private final MessageComposer composer;
    private final jakarta.mail.Session composeSession;
    private final AccountSelector selector;
    private final RetryPolicy retryPolicy;
    private final RequestLedger ledger;
    private final Clock clock;
    private final Duration maxInlineWait;
    private final List<Account> accounts;
    private final Map<String, Account> accountsByName;
    private final OffsetContinuity continuity = new OffsetContinuity();
    /** Issue 4: recipients on the suppression list are not sent to. */
    private final SuppressionList suppressions;
    /** Decides from behaviour whom an unexplained refusal blames (issue 13). */
    private final PushbackJudge judge;

    public DeliveryService(RequestReader reader, MessageComposer composer,
                           jakarta.mail.Session composeSession, List<Account> accounts, AccountSelector selector,
                           RetryPolicy retryPolicy, RequestLedger ledger, Clock clock, Duration maxInlineWait,
                           SuppressionList suppressions, PushbackJudge judge) {
        this.suppressions = suppressions;
        this.judge = judge;
        this.reader = reader;
        this.composer = composer;
        this.composeSession = composeSession;
        this.accounts = List.copyOf(accounts);
        this.accountsByName = accounts.stream().collect(Collectors.toUnmodifiableMap(Account::name, Function.identity()));
        this.selector = selector;
        this.retryPolicy = retryPolicy;
        this.ledger = ledger;
        this.clock = clock;
        this.maxInlineWait = maxInlineWait;
    }

    /** Starts a delivery for a record (cheap; keep it where error handling can find it, then {@link #prepare}). */
    public Delivery start(InboundRecord in) {
        return new Delivery(in, clock.instant());
    }

    /**
     * Waits until the ledger knows every outcome written so far (by any worker): before records that may have been
     * processed elsewhere, such as the first ones after a rebalance.
     */
    public void awaitLedger() {
        ledger.awaitCaughtUp(LEDGER_WAIT);
    }

    /** Reads, checks and composes; afterwards the delivery is either ready to send or already has its result. */
    public void prepare(Delivery d) {
        InboundRecord in = d.source;
        // first record of this partition here, or a redelivery: another worker may have finished it, so the ledger
        // catches up (on the partition of the request's id) before the claim
        boolean catchUp = !d.ledgerChecked && !continuity.follows(in.topic(), in.partition(), in.offset());
        MailRequest request;
        try {
            request = reader.read(in.value());
        } catch (InvalidRequestException e) {
            d.requestId = fallbackId(in);
            if (claim(d, catchUp)) {
                d.result = Result.invalid(e.reasonCode(), e.getMessage(), e.getClass());
            }
            return;
        }
        d.request = request;
        d.requestId = request.id();
        if (!claim(d, catchUp)) {
            return;
        }
        // ---- issue 4: suppression list (io.mailpipe.suppression) ----
        if (d.recipients.suppress(suppressions.check(request))) {
            d.result = Result.suppressed();
            return;
        }
        // ----
        Instant now = d.startedAt;
        if (in.notBefore() != null && in.notBefore().isAfter(now)) {
            d.result = Result.notDueYet(in.notBefore());
            return;
        }
        if (request.notAfter() != null && now.isAfter(request.notAfter())) {
            d.result = Result.invalid(ReasonCode.NOT_AFTER_PASSED, "notAfter " + request.notAfter() + " has passed", DeliveryService.class);
            return;
        }
        if (retryPolicy.tooOld(d.firstAttemptAt, now)) {
            d.result = Result.invalid(ReasonCode.MAX_AGE_EXCEEDED, "first attempted at " + d.firstAttemptAt
                    + ", longer ago than retry.maxAge", DeliveryService.class);
            return;
        }
        List<Account> candidates = candidates(d, request);
        if (candidates == null) {
            return;
        }
        boolean pinned = request.account() != null;
        // pinned mail waits only for its account (on the retry topic); other mail waits in place, then pauses
        AccountSelector.Selection selection = selector.acquire(candidates, pinned ? Duration.ZERO : maxInlineWait);
        if (!selection.found()) {
            noAccount(d, selection, pinned);
            return;
        }
        useAccount(d, selection.ticket());
    }

    /** The accounts a request may go through, in order; null (with the result set) when it names none that exists. */
    private List<Account> candidates(Delivery d, MailRequest request) {
        if (request.account() != null) {
            Account pinned = accountsByName.get(request.account());
            if (pinned == null) {
                d.result = Result.invalid(ReasonCode.UNKNOWN_ACCOUNT, "field 'account': no account named '" + request.account()
                        + "' is configured; known accounts: " + accountsByName.keySet().stream().sorted().toList(),
                        DeliveryService.class);
                return null;
            }
            return List.of(pinned);
        }
        if (request.pool() != null) {
            List<Account> pool = candidatesOrAll(request);
            if (pool.isEmpty()) {
                d.result = Result.invalid(ReasonCode.UNKNOWN_POOL, "field 'pool': no account belongs to pool '" + request.pool()
                        + "'; known pools: " + accounts.stream().flatMap(a -> a.pools().stream()).distinct().sorted().toList(),
                        DeliveryService.class);
                return null;
            }
            return pool;
        }
        return accounts;
    }

    /** No candidate can send now: pinned mail is deferred to its account's next room, other mail pauses consumption. */
    private void noAccount(Delivery d, AccountSelector.Selection selection, boolean pinned) {
        String which = pinned ? "account '" + d.request.account() + "' is" : d.request.pool() != null
                ? "every account of pool '" + d.request.pool() + "' is" : "every account is";
        ReasonCode code = selection.why() == AccountSelector.NoRoom.AT_LIMIT ? ReasonCode.ACCOUNTS_AT_LIMIT
                : ReasonCode.ACCOUNTS_UNAVAILABLE;
        Instant retryAt = selection.retryAt();
        String reason = which + " " + selection.why().text() + (retryAt != null ? "; next room at " + retryAt : "");
        if (pinned || !d.tried.isEmpty()) {
            Instant at = retryAt != null ? retryAt : clock.instant().plus(retryPolicy.maxBackoff());
            d.result = new Result(code, reason, null, null, at, false, null);
            return;
        }
        d.pauseUntil = retryAt != null ? retryAt : clock.instant().plus(retryPolicy.maxBackoff());
        d.pauseReason = reason;
        d.pauseCandidates = candidatesOrAll(d.request);
    }

    /** The request's pool's accounts in order, or every account (pinning aside). */
    private List<Account> candidatesOrAll(MailRequest request) {
        return request.pool() == null ? accounts
                : accounts.stream().filter(a -> a.pools().contains(request.pool())).toList();
    }

    /** Composes the message for the account of the ticket and checks the account's limits. */
    private void useAccount(Delivery d, AccountSelector.Ticket ticket) {
        d.ticket = ticket;
        d.account = ticket.account();
        try {
            // more recipients than the account takes per message: several messages (RecipientSplitter)
            List<ComposedMessage> composed = new ArrayList<>();
            for (MessageSpec part : RecipientSplitter.split(spec(d.request), d.account.maxRecipients())) {
                ComposedMessage c = composer.compose(part, d.account, composeSession);
                if (d.account.maxMessageBytes() != null && c.sizeBytes() > d.account.maxMessageBytes()) {
                    throw new CompositionException("message", "composed size " + c.sizeBytes() + " bytes exceeds account '"
                            + d.account.name() + "' maximum of " + d.account.maxMessageBytes(), ReasonCode.MESSAGE_TOO_LARGE);
                }
                composed.add(c);
            }
            d.composed = composed.get(0);
            d.composedParts = List.copyOf(composed);
        } catch (CompositionException e) {
            releaseQuota(d);
            d.composed = null;
            d.composedParts = List.of();
            d.result = Result.invalid(e.reason(), e.getMessage(), e.getClass());
            return;
        }
        planParts(d);
    }

    /** The messages of this attempt, each to the recipients that earlier attempts did not reach or refuse for good. */
    private void planParts(Delivery d) {
        List<MessageParts.Part> parts = new ArrayList<>();
        boolean split = d.composedParts.size() > 1;
        for (int i = 0; i < d.composedParts.size(); i++) {
            ComposedMessage c = d.composedParts.get(i);
            List<String> remaining = d.recipients.planEnvelope(c.envelopeRecipients());
            if (!remaining.isEmpty()) {
                parts.add(new MessageParts.Part(split ? i + 1 : 0, c, remaining));
                if (!remaining.equals(c.envelopeRecipients())) {
                    c.message().restrictEnvelope(addresses(remaining));
                }
            }
        }
        if (parts.isEmpty()) {
            releaseQuota(d);
            d.result = new Result(d.recipients.someAcceptedBefore() ? ReasonCode.ACCEPTED : ReasonCode.RECIPIENT_REJECTED,
                    "every recipient was reached or refused in earlier attempts", null, orNull(d.recipients.earlierRefusals()),
                    null, true, null);
            return;
        }
        d.parts = new MessageParts(parts);
        d.composed = parts.get(0).message();
        d.recipients.planEnvelope(parts.get(0).envelope());
    }

    private static jakarta.mail.Address[] addresses(List<String> bare) {
        try {
            jakarta.mail.Address[] addresses = new jakarta.mail.Address[bare.size()];
            for (int i = 0; i < addresses.length; i++) {
                addresses[i] = new jakarta.mail.internet.InternetAddress(bare.get(i), false);
            }
            return addresses;
        } catch (jakarta.mail.internet.AddressException e) {
            throw new IllegalStateException("a composed recipient no longer parses", e);
        }
    }

    /**
     * Moves to the next message to send (the only one, or the next part of a split request) and takes a send of the
     * account's quota for it; each part is one SMTP transaction and counts as one send.
     *
     * @return false when there is nothing (more) to send in this attempt
     */
    public boolean nextPart(Delivery d) {
        if (d.result != null && d.parts == null || d.pauseUntil != null || d.duplicate || d.republish != null) {
            return false;
        }
        if (!d.nextPart()) {
            return false;
        }
        Duration wait = Duration.ZERO;
        if (d.ticket != null && !readyToSend(d.ticket)) {
            // its lease ran out while the message was prepared (a slow or busy machine): a new send from the account
            LOG.debug("request={} account={} lease ran out before the send started; taking a new one", d.requestId,
                    d.account.name());
            d.ticket.giveBack();
            d.ticket = null;
            wait = maxInlineWait;
        }
        for (int tries = 0; d.ticket == null; tries++) {
            AccountSelector.Selection more = selector.acquire(List.of(d.account), wait);
            if (!more.found() || tries == 3) {
                if (more.found()) {
                    more.ticket().giveBack();
                }
                String when = wait.isZero() ? " before every part was sent" : " when the send was due";
                d.parts.record(new Result(ReasonCode.ACCOUNTS_AT_LIMIT, "account '" + d.account.name() + "' "
                        + (more.found() ? "had no lease left to send under" : "is " + more.why().text()) + when, null, null,
                        more.found() ? clock.instant().plus(retryPolicy.initialBackoff()) : more.retryAt(), false, null), true);
                d.result = d.parts.combined(d.recipients.acceptedCount() > 0, d.recipients.someRefused());
                return false;
            }
            if (readyToSend(more.ticket())) {
                d.ticket = more.ticket();
            } else {
                more.ticket().giveBack();
            }
        }
        d.sendStartedAt = clock.instant();
        return true;
    }

    private static boolean readyToSend(AccountSelector.Ticket ticket) {
        try {
            return ticket.readyToSend();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the send's start", e);
        }
    }

    /**
     * Claims the id; false when it already finished (the delivery becomes a duplicate or a re-publication).
     * {@code catchUp}: first let the ledger read every outcome written so far for this id's partition.
     */
    private boolean claim(Delivery d, boolean catchUp) {
        String lineage = RequestLedger.lineage(d.requestId, d.source.replayKey());
        if (catchUp) {
            ledger.awaitCaughtUp(lineage, LEDGER_WAIT);
        }
        Optional<RequestLedger.Claim> claim = ledger.claim(lineage, CLAIM_WAIT);
        if (claim.isEmpty()) {
            d.duplicate = true;
            LOG.info("Request {} already has a terminal outcome; record {} skipped", d.requestId, d.source.coordinates());
            return false;
        }
        d.claim = claim.get();
        Optional<RequestLedger.Pending<Conclusion>> pending = ledger.pending(lineage, Conclusion.class);
        if (pending.isPresent()) {
            LOG.info("Request {} was sent already; publishing its outcome again instead of sending again", d.requestId);
            d.republish = pending.get();
            return false;
        }
        return true;
    }

    /** The server accepted the message for every recipient of this attempt. */
    public void sent(Delivery d, String serverReply) {
        d.sendAttempted = true;
        finishTicket(d, null);
        judge.accepted(d.account.name(), d.sendStartedAt);
        SmtpReply reply = SmtpReply.parse(serverReply);
        d.verdict = AttemptJudge.accepted(reply, d.recipients.allAccepted() != ReasonCode.ACCEPTED);
        Result part = new Result(d.verdict.code(), "accepted by " + d.account.host(), smtp(reply),
                orNull(d.recipients.earlierRefusals()), null, true, null);
        d.parts.record(part, false);
        d.result = d.parts.combined(d.recipients.acceptedCount() > 0, d.recipients.someRefused());
    }

    /**
     * Sending failed; the classifier decides what that means. When some recipients accepted the message (in this
     * attempt or an earlier one), the request is SENT for them; recipients refused with 4xx get another attempt
     * (PARTIALLY_DEFERRED), those refused with 5xx are reported.
     */
    public void failed(Delivery d, Throwable error) {
        d.sendAttempted = true;
        SendFailure failure = judge.judge(d.account.name(), messageKey(d), SmtpFailureClassifier.classify(error),
                d.sendStartedAt, earlierUnexplained(d));
        finishTicket(d, failure);
        Verdict verdict = AttemptJudge.failed(new AttemptJudge.Facts(d.parts.started(), d.recipients.someAcceptedBefore(),
                retryPolicy.uncertainPolicy(), d.source.header(MailpipeHeaders.UNCERTAIN_AT) != null), failure);
        d.verdict = verdict;
        if (verdict instanceof Verdict.Uncertain u) {
            uncertain(d, u);
            return;
        }
        if (verdict instanceof Verdict.Failover f) {
            failover(d, f);
            return;
        }
        boolean accountLevel = failure.scope() == SendFailure.Scope.ACCOUNT;
        failure = verdict.failure(); // as judged: an unexplained refusal after other parts went out is refusal_unexplained
        List<RecipientFailure> refused = failure.rejectedRecipients() == null ? List.of() : failure.rejectedRecipients();
        d.recipients.afterFailure(failure.reason(), refused, accountLevel); // what reached whom, for the next attempt
        ReasonCode code = verdict.code();
        List<OutcomeEvent.RejectedRecipient> rejected = new ArrayList<>();
        refused.forEach(r -> rejected.add(new OutcomeEvent.RejectedRecipient(r.address(), smtp(r.reply()))));
        if (code.status() == Status.SENT) {
            rejected.addAll(d.recipients.earlierRefusals());
        }
        if (d.parts.split() && (code.status() == Status.FAILED || code.status() == Status.REJECTED)) {
            // this part is refused as a whole: its recipients are not sent again, and they are reported
            for (String address : d.recipients.refuseRestOfEnvelope()) {
                if (rejected.stream().noneMatch(r -> r.address().equalsIgnoreCase(address))) {
                    rejected.add(new OutcomeEvent.RejectedRecipient(address, smtp(failure.reply())));
                }
            }
        }
        String errorClass = code.status() == Status.REJECTED ? MessageRefusedBeforeSending.class.getName() : null;
        Result part = new Result(code, failure.detail(), smtp(failure.reply()), orNull(rejected), null, true, errorClass);
        d.parts.record(part, failure.scope() == SendFailure.Scope.ACCOUNT);
        d.result = d.parts.combined(d.recipients.acceptedCount() > 0, d.recipients.someRefused());
    }

    /**
     * The message was sent but no reply came: it may have been delivered. Never a failover (another account would
     * send a second copy at once) and at most one resend per request for this cause ({@code retry.uncertain}):
     * retry-once resends after {@code retry.uncertainWait} with the same Message-ID, unless an earlier attempt was
     * uncertain already ({@link MailpipeHeaders#UNCERTAIN_AT}); otherwise the request is held (UNCERTAIN).
     */
    private void uncertain(Delivery d, Verdict.Uncertain verdict) {
        SendFailure failure = verdict.failure();
        Instant now = clock.instant();
        String earlier = d.source.header(MailpipeHeaders.UNCERTAIN_AT);
        d.uncertainAt = earlier != null ? earlier : now.toString();
        Result part;
        if (verdict.resendOnce()) {
            part = new Result(ReasonCode.UNCERTAIN_RETRY, failure.detail() + "; sent once more (same Message-ID) after "
                    + "retry.uncertainWait, never again", null, null, now.plus(retryPolicy.uncertainWait()), true, null);
        } else {
            String why = earlier != null ? "the one resend after an uncertain delivery at " + earlier + " was uncertain too"
                    : "retry.uncertain is hold";
            part = new Result(ReasonCode.DELIVERY_UNCERTAIN, failure.detail() + "; not sent again (" + why
                    + "); check with the recipient, then replay it or not", null, null, null, true,
                    io.mailpipe.smtp.DeliveryUncertainException.class.getName());
        }
        d.parts.record(part, true);
        d.result = part.reasonCode().status() == Status.UNCERTAIN ? part
                : d.parts.combined(d.recipients.acceptedCount() > 0, d.recipients.someRefused());
        LOG.warn("request={} account={} delivery uncertain (data sent, no reply): {}", d.requestId, d.account.name(),
                part.reasonCode().code());
    }

    /**
     * An account-level failure (throttled, blocked, login refused, TLS, connection): nothing was delivered in this
     * try, and it does not count against the request. The message moves to the next account that can send now.
     *
     */
    private void failover(Delivery d, Verdict.Failover verdict) {
        SendFailure failure = verdict.failure();
        Account failedAccount = d.account;
        d.tried.add(failedAccount.name());
        boolean unexplained = verdict.unexplained();
        d.failovers.add(new OutcomeEvent.Failover(failedAccount.name(), d.attempt, failure.reason().code(),
                unexplained ? "unexplained" : "account", smtp(failure.reply()), failure.detail(), clock.instant()));
        List<Account> rest = candidatesOrAll(d.request).stream().filter(a -> !d.tried.contains(a.name())).toList();
        if (d.request.account() != null) {
            rest = List.of();
        }
        AccountSelector.Selection next = rest.isEmpty() ? AccountSelector.Selection.waitUntil(null, AccountSelector.NoRoom.TRIED)
                : selector.acquire(rest, Duration.ZERO);
        String what = unexplained ? "was refused with a reply no rule explains" : "failed at account level";
        if (next.found()) {
            LOG.warn("request={} account={} {} ({}: {}); moving to account {}", d.requestId, failedAccount.name(), what,
                    failure.reason().code(), failure.detail(), next.account().name());
            d.composed = null;
            d.parts = null;
            useAccount(d, next.ticket()); // composes for the new account; sending starts over with its first part
            return;
        }
        if (unexplained) {
            // nobody to blame yet and nobody to try now: a later attempt (a second refusal of it ends it FAILED)
            LOG.warn("request={} account={} {} ({}: {}); no other account can take it now, trying again later",
                    d.requestId, failedAccount.name(), what, failure.reason().code(), failure.detail());
            d.parts.record(new Result(ReasonCode.REFUSAL_UNEXPLAINED, failure.detail()
                    + "; no other account could take the message now; a second such refusal ends it FAILED",
                    smtp(failure.reply()), null, null, true, null), true);
            d.result = d.parts.combined(d.recipients.acceptedCount() > 0, d.recipients.someRefused());
            return;
        }
        // no other account can take it now: wait (not an attempt) until one can, on the retry topic
        AccountSelector.Selection any = selector.acquire(d.request.account() != null ? List.of(failedAccount)
                : candidatesOrAll(d.request), Duration.ZERO);
        Instant retryAt;
        if (any.found()) {
            // the failed account's cool-down is over already, or another freed up: give the send back, try later
            any.ticket().giveBack();
            retryAt = clock.instant().plus(retryPolicy.initialBackoff());
        } else {
            retryAt = any.retryAt() != null ? any.retryAt() : clock.instant().plus(retryPolicy.maxBackoff());
        }
        LOG.warn("request={} account={} failed at account level ({}: {}); no other account can send now, waiting until {}",
                d.requestId, failedAccount.name(), failure.reason().code(), failure.detail(), retryAt);
        d.parts.record(new Result(failure.reason(), failure.detail() + "; no other account can send now",
                smtp(failure.reply()), null, retryAt, false, null), true);
        d.result = d.parts.combined(d.recipients.acceptedCount() > 0, d.recipients.someRefused());
    }

    /** The message in the pushback judge's streaks: the request and, for a split request, the part. */
    private static String messageKey(Delivery d) {
        return d.parts != null && d.parts.split() ? d.requestId + "#" + d.parts.current().number() : d.requestId;
    }

    /** Earlier refusals of this message that no rule explained (this attempt's and those the retry record carries). */
    private static List<PushbackJudge.EarlierRefusal> earlierUnexplained(Delivery d) {
        List<PushbackJudge.EarlierRefusal> earlier = new ArrayList<>();
        for (OutcomeEvent.Failover f : d.failovers) {
            if ("unexplained".equals(f.scope()) && f.smtp() != null && f.smtp().code() != null) {
                earlier.add(new PushbackJudge.EarlierRefusal(f.account(),
                        new SmtpReply(f.smtp().code(), f.smtp().enhanced(), f.smtp().text() == null ? "" : f.smtp().text())));
            }
        }
        return earlier;
    }

    private void finishTicket(Delivery d, SendFailure failure) {
        if (d.ticket != null) {
            d.ticket.sent(failure);
            d.ticket = null;
        }
    }

    private static <T> List<T> orNull(List<T> list) {
        return list == null || list.isEmpty() ? null : list;
    }

    /**
     * An unexpected error while processing: the record is dead-lettered as REJECTED / INTERNAL_ERROR. When the
     * message was already sent, or the records of an earlier send wait to be published again, those are kept: a
     * message that went out is never reported as rejected.
     */
    public Delivery internalError(Delivery existing, InboundRecord in, Throwable error) {
        Delivery d = existing != null ? existing : new Delivery(in, clock.instant());
        if (d.republish != null || (d.sendAttempted && d.result != null)) {
            return d;
        }
        if (d.requestId == null) {
            d.requestId = fallbackId(in);
        }
        if (!d.sendAttempted) {
            releaseQuota(d);
        }
        d.composed = null;
        d.duplicate = false;
        d.republish = null;
        d.result = Result.invalid(ReasonCode.INTERNAL_ERROR, "processing failed: " + error.getClass().getSimpleName()
                + (error.getMessage() == null ? "" : " (" + firstLine(error.getMessage()) + ")"), error.getClass());
        return d;
    }

    /** What this delivery concluded, to be written (nothing for a duplicate; the same again for a re-publication). */
    public Conclusion conclude(Delivery d) {
        if (d.duplicate) {
            return Conclusion.nothing(d.source, d.requestId);
        }
        if (d.republish != null) {
            d.terminal = d.republish.terminal();
            return d.republish.payload();
        }
        Instant now = clock.instant();
        Result r = d.result;
        if (r.requeue()) {
            d.terminal = false;
            return new Conclusion(d.source, d.requestId, null, retry(d, d.attempt, r.retryAt()), false);
        }
        ReasonCode code = r.reasonCode();
        String reason = r.reason();
        Instant retryAt = null;
        int nextAttempt = d.attempt;
        if (code == ReasonCode.UNCERTAIN_RETRY) {
            // the one resend of an uncertain delivery, at its fixed time; if that is too late, it is held instead
            RetryPolicy.Next next = retryPolicy.checkDeadline(r.retryAt(), d.firstAttemptAt,
                    d.request == null ? null : d.request.notAfter());
            if (next.expired()) {
                code = ReasonCode.DELIVERY_UNCERTAIN;
                reason = reason + "; not resent: " + next.detail();
            } else {
                retryAt = next.at();
                nextAttempt = d.attempt + 1;
            }
        } else if (code.status() == Status.DEFERRED) {
            // a full account is checked again at the latest after retry.maxBackoff (the retry consumer waits no longer)
            Instant fixed = r.retryAt() == null ? null : min(r.retryAt(), now.plus(retryPolicy.maxBackoff()));
            RetryPolicy.Next next = fixed != null && !r.countsAsAttempt()
                    ? retryPolicy.checkDeadline(fixed, d.firstAttemptAt, d.request == null ? null : d.request.notAfter())
                    : retryPolicy.next(d.attempt, d.firstAttemptAt, now, d.request == null ? null : d.request.notAfter());
            if (next.expired()) {
                reason = reason + "; " + next.detail();
                code = next.expiredReason();
                int accepted = d.recipients.acceptedCount();
                if (accepted > 0) {
                    reason = reason + "; " + accepted + " recipient(s) had accepted the message";
                }
            } else {
                retryAt = next.at();
                nextAttempt = r.countsAsAttempt() ? d.attempt + 1 : d.attempt;
            }
        }
        Status status = code.status();
        d.terminal = status.isTerminal();
        OutcomeEvent event = new OutcomeEvent(d.requestId, status, code.code(), reason,
                d.account == null ? null : d.account.name(), d.attempt, r.smtp(),
                d.composed == null ? null : d.composedParts.isEmpty() ? d.composed.messageId() : d.composedParts.get(0).messageId(),
                d.request == null ? null : d.request.campaign(), r.rejected(), retryAt,
                new OutcomeEvent.Source(d.source.topic(), d.source.partition(), d.source.offset()), now,
                d.parts == null || !d.sendAttempted ? null : d.parts.forOutcome(), orNull(d.failovers));
        d.outcome = event;
        Conclusion.FollowUp followUp;
        if (status == Status.REJECTED || status == Status.EXPIRED || status == Status.UNCERTAIN) {
            // the class of the exception, or of the component that decided (the retry policy for a late expiry)
            String errorClass = code == ReasonCode.DELIVERY_UNCERTAIN ? io.mailpipe.smtp.DeliveryUncertainException.class.getName()
                    : r.errorClass() != null ? r.errorClass() : RetryPolicy.class.getName();
            followUp = new Conclusion.DeadLetter(code, reason, status, errorClass, now);
        } else if (status == Status.DEFERRED) {
            followUp = retry(d, nextAttempt, retryAt);
        } else {
            followUp = new Conclusion.None();
        }
        return new Conclusion(d.source, d.requestId, event, followUp, d.terminal);
    }

    /** One line for the log: status, reason code, SMTP code; no addresses or bodies. */
    public String describe(Delivery d) {
        if (d.duplicate) {
            return "duplicate, skipped";
        }
        if (d.result != null && d.result.requeue()) {
            return "retry record not due yet, put back on the retry topic";
        }
        OutcomeEvent e = d.outcome;
        if (e == null) {
            return "re-published";
        }
        return e.status() + " " + e.reasonCode() + (e.smtp() != null && e.smtp().code() != null ? " smtp=" + e.smtp().code() : "")
                + " attempt=" + e.attempt() + (e.retryAt() != null ? " retryAt=" + e.retryAt() : "");
    }

    private Conclusion.Retry retry(Delivery d, int nextAttempt, Instant retryAt) {
        String uncertainAt = d.uncertainAt != null ? d.uncertainAt : d.source.header(MailpipeHeaders.UNCERTAIN_AT);
        List<OutcomeEvent.Failover> failovers = d.failovers.size() <= MAX_FAILOVERS_CARRIED ? d.failovers
                : d.failovers.subList(d.failovers.size() - MAX_FAILOVERS_CARRIED, d.failovers.size());
        return new Conclusion.Retry(nextAttempt, retryAt, d.firstAttemptAt, d.recipients.acceptedSoFar(),
                d.recipients.refusedSoFar(), uncertainAt, failovers);
    }

    private static MessageSpec spec(MailRequest r) {
        List<AttachmentSpec> attachments = r.attachments().stream()
                .map(a -> new AttachmentSpec(a.filename(), a.contentType(), a.content(), a.contentId())).toList();
        return new MessageSpec(r.id(), r.from(), r.replyTo(), r.to(), r.cc(), r.bcc(), r.subject(), r.text(), r.html(),
                r.headers(), attachments, r.campaign(),
                r.template() == null ? null : new TemplateRef(r.template().id(), r.template().vars()),
                r.listUnsubscribe() == null ? null : new ListUnsubscribe(r.listUnsubscribe().url(), r.listUnsubscribe().mailto()),
                null);
    }

    /** Gives back the send taken from the account's quota, once. */
    private void releaseQuota(Delivery d) {
        if (d.ticket != null) {
            d.ticket.giveBack();
            d.ticket = null;
        }
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static OutcomeEvent.Smtp smtp(SmtpReply reply) {
        return reply == null ? null : new OutcomeEvent.Smtp(reply.code(), reply.enhanced(), reply.text());
    }

    private static String fallbackId(InboundRecord in) {
        String key = in.keyText();
        return key != null && !key.isBlank() && key.length() <= 200 ? key : in.coordinates();
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 200) : line;
    }
}
