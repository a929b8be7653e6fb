package io.flumesentinel.supervisor;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The fill trend of one channel: a least-squares line through the fill percentages seen within a
 * window, and the time it predicts until the channel is full. Pure; samples must come in time
 * order.
 *
 * <p>A prediction needs at least {@link #MIN_SAMPLES} samples spanning at least half the window, so
 * that a burst at start-up or a single slow answer is not a trend.
 */
final class FillTrend {

  /** The fewest samples a prediction is made from. */
  static final int MIN_SAMPLES = 3;

  private record Sample(Instant at, double percent) {}

  private final Duration window;
  private final Deque<Sample> samples = new ArrayDeque<>();

  FillTrend(Duration window) {
    this.window = window;
  }

  /** Adds the fill percentage seen at {@code at}, and forgets samples older than the window. */
  void add(Instant at, double percent) {
    samples.addLast(new Sample(at, percent));
    while (Duration.between(samples.peekFirst().at(), at).compareTo(window) > 0) {
      samples.removeFirst();
    }
  }

  /**
   * What the trend says now.
   *
   * @param percentPerSecond the slope of the fitted line
   * @param fittedPercent the line's value at the latest sample, within 0 and 100
   * @param secondsToFull when the line reaches 100 % counting from the latest sample; {@code
   *     Double.POSITIVE_INFINITY} when the trend is flat or falling, 0 when already full
   * @param samples how many samples the line is fitted to
   */
  record Prediction(
      double percentPerSecond, double fittedPercent, double secondsToFull, int samples) {}

  /** The prediction, or {@code null} when there are too few samples or they span too little. */
  Prediction predict() {
    if (samples.size() < MIN_SAMPLES) {
      return null;
    }
    Instant first = samples.peekFirst().at();
    Instant last = samples.peekLast().at();
    if (Duration.between(first, last).multipliedBy(2).compareTo(window) < 0) {
      return null;
    }
    // least squares over (seconds since the first sample, percent)
    int n = samples.size();
    double sumT = 0;
    double sumF = 0;
    for (Sample s : samples) {
      sumT += seconds(first, s.at());
      sumF += s.percent();
    }
    double meanT = sumT / n;
    double meanF = sumF / n;
    double covariance = 0;
    double variance = 0;
    for (Sample s : samples) {
      double dt = seconds(first, s.at()) - meanT;
      covariance += dt * (s.percent() - meanF);
      variance += dt * dt;
    }
    if (variance == 0) {
      return null;
    }
    double slope = covariance / variance;
    double fitted = meanF + slope * (seconds(first, last) - meanT);
    fitted = Math.max(0, Math.min(100, fitted));
    double toFull;
    if (samples.peekLast().percent() >= 100) {
      toFull = 0;
    } else if (slope <= 0) {
      toFull = Double.POSITIVE_INFINITY;
    } else {
      toFull = (100 - fitted) / slope;
    }
    return new Prediction(slope, fitted, toFull, n);
  }

  private static double seconds(Instant from, Instant to) {
    return Duration.between(from, to).toNanos() / 1e9;
  }
}
