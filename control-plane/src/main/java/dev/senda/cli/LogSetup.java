package dev.senda.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * How Senda logs: one line per event on standard error, with a timestamp and a level; as text for people
 * ({@code 2026-12-06T04:50:01.123Z INFO  Agent: ...}) or as one JSON object per line for log collectors
 * ({@code --log-format json}, logback's own JSON encoder).
 *
 * <p>Installed as logback's configurator (found through {@code META-INF/services}), so the default holds
 * from the first log line on without parsing an XML file at start; {@link #apply} changes the level
 * and format once the agent's flags are parsed. Loggers already handed out follow, as logback's do.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {
    /** The log formats {@code --log-format} accepts. */
    public enum Format { TEXT, JSON }

    private static final String APPENDER = "stderr";
    static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX,UTC} %-5level %logger{0}: %msg%n";

    /** Logback's entry point: text at INFO. */
    @Override
    public ExecutionStatus configure(LoggerContext context) {
        install(context, Level.INFO, Format.TEXT);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /**
     * Sets the root level and the format of every later line. Does nothing when logback is not the
     * SLF4J binding (a library user's own choice wins).
     *
     * @param level one of error, warn, info, debug, trace (any case)
     * @throws IllegalArgumentException naming {@code --log-level} for another level
     */
    public static void apply(String level, Format format) {
        Level parsed = parseLevel(level);
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (factory instanceof LoggerContext context) install(context, parsed, format);
    }

    static Level parseLevel(String level) {
        return switch (level == null ? "" : level.toLowerCase(Locale.ROOT)) {
            case "error" -> Level.ERROR;
            case "warn" -> Level.WARN;
            case "info" -> Level.INFO;
            case "debug" -> Level.DEBUG;
            case "trace" -> Level.TRACE;
            default -> throw new IllegalArgumentException("--log-level: invalid value '" + level
                    + "' (error, warn, info, debug or trace)");
        };
    }

    private static synchronized void install(LoggerContext context, Level level, Format format) {
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Encoder<ILoggingEvent> encoder = format == Format.JSON ? jsonEncoder() : textEncoder();
        encoder.setContext(context);
        encoder.start();
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName(APPENDER);
        appender.setTarget("System.err");
        appender.setEncoder(encoder);
        appender.start();
        root.detachAndStopAllAppenders();
        root.addAppender(appender);
        root.setLevel(level);
        // fabric8 logs every failed list or watch retry with a stack trace (about one per kind and second
        // while the API server is away) and every WebSocket of a dropped connection it fails to close;
        // the source logs an outage once with its cause ("API watch lost") and its end instead.
        context.getLogger("io.fabric8.kubernetes.client.informers.impl.cache.Reflector").setLevel(Level.ERROR);
        context.getLogger("io.fabric8.kubernetes.client.jdkhttp.JdkWebSocketImpl").setLevel(Level.ERROR);
        context.getLogger("io.fabric8.kubernetes.client.dsl.internal.AbstractWatchManager").setLevel(Level.WARN);
    }

    /** The message as people read it ({@code formattedMessage}), not its pattern and arguments apart. */
    private static JsonEncoder jsonEncoder() {
        JsonEncoder e = new JsonEncoder();
        e.setWithFormattedMessage(true);
        e.setWithMessage(false);
        e.setWithArguments(false);
        return e;
    }

    private static PatternLayoutEncoder textEncoder() {
        PatternLayoutEncoder e = new PatternLayoutEncoder();
        e.setPattern(TEXT_PATTERN);
        return e;
    }
}
