package io.mailpipe.worker;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Lets waiting route steps end early when the worker stops. */
public final class ShutdownSignal {

    /** The worker is stopping: the record is left uncommitted and processed again after restart. */
    public static final class ShuttingDownException extends RuntimeException {
        ShuttingDownException() {
            super("worker is shutting down");
        }
    }

    private final CountDownLatch latch = new CountDownLatch(1);

    public void fire() {
        latch.countDown();
    }

    /** Whether the worker is stopping. */
    public boolean isFired() {
        return latch.getCount() == 0;
    }

    /** Waits up to {@code duration}, less when the worker is stopping; never throws. */
    public void pause(Duration duration) {
        try {
            latch.await(Math.max(0, duration.toMillis()), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits up to {@code duration}; throws when the worker is stopping. */
    public void await(Duration duration) {
        try {
            if (latch.await(Math.max(0, duration.toMillis()), TimeUnit.MILLISECONDS)) {
                throw new ShuttingDownException();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ShuttingDownException();
        }
    }
}
