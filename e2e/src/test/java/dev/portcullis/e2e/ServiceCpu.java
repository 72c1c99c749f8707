package dev.portcullis.e2e;

import dev.portcullis.testsupport.RepositoryRoot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The CPU each service's JVMs (every instance) spend, from {@code /proc/<pid>/stat} (user + system time): stable on a noisy
 * machine where latency is not. What they spend idle (schedulers, polls) is measured for 5 s before the run and 5 s after it, and
 * the smaller of the two is taken off: a window that still held the tail of earlier work (a sender draining the warm-up's mails)
 * would otherwise count that work as idle and take it off the run (one 5 s window made notification's share swing 6 ms a signal
 * between two runs of the same code, docs/benchmarks.md). Beside it,
 * the transactions each service's database committed ({@code pg_stat_database}, read-only ones too), idle taken off likewise.
 */
record ServiceCpu(Platform platform, Map<String, Long> ticksAtStart, Map<String, Double> idleTicksPerSecond, long startedAt,
        Map<String, long[]> threadTicksAtStart, Map<String, Long> commitsAtStart, Map<String, Double> idleCommitsPerSecond,
        Map<String, Integer> lastCompileIdAtStart, Map<String, Long> infrastructureTicksAtStart, Map<String, Double> idleTicksPerSecondAfter) {

    private static final List<String> SERVICES = List.of("inventory", "review", "policy", "notification");

    /** Once the platform has settled (what ran before is not charged to what is measured), measures 5 s of idle spending and starts. */
    static ServiceCpu start(Platform platform) throws Exception {
        platform.awaitConsumersSettled();
        Map<String, Long> before = ticks();
        Map<String, Long> commitsBefore = commits(platform);
        double idleSeconds = idleWindow();
        Map<String, Long> after = ticks();
        Map<String, Long> commitsAfter = commits(platform);
        Map<String, Double> idle = new java.util.LinkedHashMap<>();
        Map<String, Double> idleCommits = new java.util.LinkedHashMap<>();
        SERVICES.forEach(s -> idle.put(s, (after.get(s) - before.get(s)) / idleSeconds));
        SERVICES.forEach(s -> idleCommits.put(s, (commitsAfter.get(s) - commitsBefore.get(s)) / idleSeconds));
        Map<String, Integer> lastCompileIds = new java.util.HashMap<>();
        for (String service : SERVICES) {
            for (var instance : pids(service).entrySet()) {
                lastCompileIds.put(instance.getKey(), compiled(instance.getValue()).stream().mapToInt(Compiled::id).max().orElse(0));
            }
        }
        return new ServiceCpu(platform, after, idle, System.nanoTime(), threadTicks(), commitsAfter, idleCommits, lastCompileIds,
                infrastructureTicks(), new java.util.LinkedHashMap<>());
    }

    /**
     * Each service's committed transactions per signal (its database's count, read-only ones included; idle taken off): each one
     * is a round trip or more, a pooled connection lent, and a WAL flush when it wrote.
     */
    String transactionsPer(int signals) throws Exception {
        Map<String, Long> now = commits(platform);
        double seconds = (System.nanoTime() - startedAt) / 1e9;
        return SERVICES.stream().map(s -> String.format("%s %.1f", s,
                Math.max(0, now.get(s) - commitsAtStart.get(s) - idleCommitsPerSecond.get(s) * seconds) / signals))
                .collect(java.util.stream.Collectors.joining(" "));
    }

    /** {@code xact_commit} of each service's database (PostgreSQL reports a backend's counts within a second or so). */
    private static Map<String, Long> commits(Platform platform) throws Exception {
        Map<String, Long> commits = new java.util.LinkedHashMap<>();
        try (java.sql.Connection c = platform.database("inventory");
                java.sql.ResultSet rows = c.createStatement().executeQuery("select datname, xact_commit from pg_stat_database")) {
            Map<String, Long> byName = new java.util.HashMap<>();
            while (rows.next()) {
                byName.put(rows.getString(1), rows.getLong(2));
            }
            String inventory = c.getCatalog();
            for (String service : SERVICES) {
                commits.put(service, byName.getOrDefault(inventory.replace("inventory", service), 0L));
            }
        }
        return commits;
    }

    /**
     * Where each service's CPU went over the run, by thread (instances and numbered threads of a pool together), user and system
     * time apart, in milliseconds per signal, the largest first: what a sampling profiler does not see too (the JIT, the GC, the
     * kernel's work for each round trip). The JIT compiler and GC threads are named as such. Counted over the threads alive at the
     * end: a compiler thread that ended meanwhile is left out.
     */
    Map<String, String> threadShares(int signals) throws Exception {
        Map<String, long[]> now = threadTicks();
        double msPerTick = 1000.0 / clockTicksPerSecond();
        Map<String, Map<String, long[]>> byService = new java.util.LinkedHashMap<>();
        SERVICES.forEach(s -> byService.put(s, new java.util.HashMap<>()));
        now.forEach((thread, ticks) -> {
            String[] parts = thread.split("/", 3); // service/tid/name
            String name = parts[2].startsWith("C1 CompilerThre") || parts[2].startsWith("C2 CompilerThre") ? "JIT"
                    : parts[2].startsWith("GC Thread") || parts[2].startsWith("G1 ") ? "GC" : parts[2].replaceAll("[-# ]*[0-9]+$", "");
            long[] before = threadTicksAtStart.getOrDefault(thread, new long[2]);
            long[] sum = byService.get(parts[0]).computeIfAbsent(name, n -> new long[2]);
            sum[0] += ticks[0] - before[0];
            sum[1] += ticks[1] - before[1];
        });
        Map<String, String> shares = new java.util.LinkedHashMap<>();
        byService.forEach((service, threads) -> {
            long user = threads.values().stream().mapToLong(t -> t[0]).sum();
            long system = threads.values().stream().mapToLong(t -> t[1]).sum();
            String top = threads.entrySet().stream().filter(e -> e.getValue()[0] + e.getValue()[1] > 0)
                    .sorted(java.util.Comparator.comparingLong((Map.Entry<String, long[]> e) -> -(e.getValue()[0] + e.getValue()[1])))
                    .limit(12).map(e -> String.format("%s %.1f (sys %.1f)", e.getKey(), (e.getValue()[0] + e.getValue()[1]) * msPerTick / signals,
                            e.getValue()[1] * msPerTick / signals))
                    .collect(java.util.stream.Collectors.joining(", "));
            shares.put(service, String.format("user %.1f ms, system %.1f ms; %s", user * msPerTick / signals, system * msPerTick / signals, top));
        });
        return shares;
    }

    /** user and system clock ticks of every thread of every instance, by service/tid/thread name. */
    private static Map<String, long[]> threadTicks() throws Exception {
        Map<String, long[]> ticks = new java.util.HashMap<>();
        for (String service : SERVICES) {
            for (String pid : pids(service).values()) {
                try (var tasks = Files.list(Path.of("/proc", pid, "task"))) {
                    for (Path task : tasks.toList()) {
                        try {
                            String stat = Files.readString(task.resolve("stat"));
                            String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                            ticks.put(service + "/" + task.getFileName() + "/" + name, new long[] {Long.parseLong(fields[11]), Long.parseLong(fields[12])});
                        } catch (java.io.IOException ended) {
                            // the thread ended while being read
                        }
                    }
                }
            }
        }
        return ticks;
    }

    /**
     * What the platform's infrastructure spent over the run, per unit, idle not taken off: PostgreSQL (every one of its processes,
     * and what its ended backends spent), the Kafka broker, the SMTP server and Keycloak. On a machine the services share with
     * them, this is the CPU the services' work makes others spend.
     */
    String infrastructure(int units) throws Exception {
        Map<String, Long> now = infrastructureTicks();
        double msPerTick = 1000.0 / clockTicksPerSecond();
        return now.entrySet().stream().map(e -> String.format("%s %.1f ms", e.getKey(),
                (e.getValue() - infrastructureTicksAtStart.getOrDefault(e.getKey(), 0L)) * msPerTick / units))
                .collect(java.util.stream.Collectors.joining(" "));
    }

    private static Map<String, Long> infrastructureTicks() throws Exception {
        Map<String, Long> ticks = new java.util.LinkedHashMap<>();
        long postgres = 0;
        try (var processes = Files.list(Path.of("/proc"))) {
            for (Path process : processes.filter(p -> p.getFileName().toString().matches("[0-9]+")).toList()) {
                try {
                    if ("postgres".equals(Files.readString(process.resolve("comm")).trim())) {
                        String[] fields = stat(process.resolve("stat"));
                        // its own time and its ended children's: the postmaster's counts the backends that closed meanwhile
                        postgres += Long.parseLong(fields[11]) + Long.parseLong(fields[12]) + Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
                    }
                } catch (java.io.IOException ended) {
                    // the process ended while being read
                }
            }
        }
        ticks.put("postgresql", postgres);
        for (String name : List.of("kafka", "mail", "keycloak")) {
            Path pidFile = RepositoryRoot.get().resolve("e2e/target/platform/pids/" + name + ".pid");
            if (Files.exists(pidFile)) {
                String[] fields = stat(Path.of("/proc", Files.readString(pidFile).trim(), "stat"));
                ticks.put(name, Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
            }
        }
        return ticks;
    }

    /** The fields of a {@code /proc/.../stat} after the command's closing parenthesis (utime is [11], stime [12]). */
    private static String[] stat(Path file) throws java.io.IOException {
        String stat = Files.readString(file);
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }

    /** A method compiled by the JIT, as {@code jcmd <pid> Compiler.codelist} lists it: compile id, tier (1-3 C1, 4 C2), and name. */
    record Compiled(int id, int level, String method) {
    }

    /**
     * What the JIT compiled in each service over the run: how many compilations (the compile ids handed out since the start), and
     * of the methods compiled then and still in the code cache, how many at each tier and the classes most of them belong to.
     * Beside the JIT threads' CPU it says whether a service is still compiling its own code or recompiling the same methods.
     */
    Map<String, String> compilations(int signals) throws Exception {
        Map<String, String> byService = new java.util.LinkedHashMap<>();
        for (String service : SERVICES) {
            int handedOut = 0;
            Map<Integer, Integer> byLevel = new java.util.TreeMap<>();
            Map<String, Integer> byClass = new java.util.HashMap<>();
            for (var instance : pids(service).entrySet()) {
                int since = lastCompileIdAtStart.getOrDefault(instance.getKey(), 0);
                List<Compiled> now = compiled(instance.getValue());
                handedOut += Math.max(0, now.stream().mapToInt(Compiled::id).max().orElse(since) - since);
                for (Compiled c : now) {
                    if (c.id() > since) {
                        byLevel.merge(c.level(), 1, Integer::sum);
                        String owner = c.method().contains("(") ? c.method().substring(0, c.method().indexOf('(')) : c.method();
                        byClass.merge(owner.contains(".") ? owner.substring(0, owner.lastIndexOf('.')) : owner, 1, Integer::sum);
                    }
                }
            }
            String top = byClass.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(10)
                    .map(e -> e.getKey() + " " + e.getValue()).collect(java.util.stream.Collectors.joining(", "));
            byService.put(service, String.format("%d compilations (%.1f per signal); alive now by tier %s; by class: %s", handedOut,
                    (double) handedOut / signals, byLevel, top));
        }
        return byService;
    }

    private static List<Compiled> compiled(String pid) throws Exception {
        List<Compiled> compiled = new ArrayList<>();
        for (String line : jcmd(pid, "Compiler.codelist").split("\n")) {
            String[] fields = line.trim().split(" ", 5);
            if (fields.length >= 4 && fields[0].matches("[0-9]+") && fields[1].matches("-?[0-9]+")) {
                compiled.add(new Compiled(Integer.parseInt(fields[0]), Integer.parseInt(fields[1]), fields[3]));
            }
        }
        return compiled;
    }

    /** CPU milliseconds per signal by service (idle spending taken off), and their sum under "all". */
    Map<String, Double> per(int signals) throws Exception {
        Map<String, Long> now = ticks();
        double seconds = (System.nanoTime() - startedAt) / 1e9;
        double msPerTick = 1000.0 / clockTicksPerSecond();
        // the idle spending again, once the run is over (the caller has awaited the consumers): the smaller window is taken off
        double idleSeconds = idleWindow();
        Map<String, Long> afterIdle = ticks();
        Map<String, Double> perSignal = new java.util.LinkedHashMap<>();
        double all = 0;
        for (String service : SERVICES) {
            idleTicksPerSecondAfter.put(service, (afterIdle.get(service) - now.get(service)) / idleSeconds);
            double idle = Math.min(idleTicksPerSecond.get(service), idleTicksPerSecondAfter.get(service));
            double busy = Math.max(0, now.get(service) - ticksAtStart.get(service) - idle * seconds);
            perSignal.put(service, busy * msPerTick / signals);
            all += busy * msPerTick / signals;
        }
        perSignal.put("all", all);
        return perSignal;
    }

    /**
     * A window of idle spending, before or after a run: 5 s in which nothing is asked of the platform, read from /proc at its two
     * ends by the caller. A measuring window, not a wait for a condition. Returns its length in seconds.
     */
    private static double idleWindow() throws InterruptedException {
        long from = System.nanoTime();
        Thread.sleep(5_000);
        return (System.nanoTime() - from) / 1e9;
    }

    /** What each service spent idle, before the run and after it (after {@link #per}), in milliseconds of CPU a second. */
    String idleRates() throws Exception {
        double msPerTick = 1000.0 / clockTicksPerSecond();
        return SERVICES.stream().map(s -> String.format("%s %.1f / %.1f", s, idleTicksPerSecond.get(s) * msPerTick,
                idleTicksPerSecondAfter.getOrDefault(s, Double.NaN) * msPerTick)).collect(java.util.stream.Collectors.joining(", "));
    }

    /** The CPU per {@code unit} (a signal, a guest blocked) by service, as {@link #per} measured it, and the idle it took off. */
    void print(String unit, Map<String, Double> perSignal) throws Exception {
        StringBuilder line = new StringBuilder("  CPU per " + unit + " (from /proc, every instance, idle taken off):");
        perSignal.forEach((service, ms) -> line.append(String.format(" %s %.1f ms", service, ms)));
        System.out.println(line);
        System.out.println("  idle, ms of CPU a second before / after the run (the smaller taken off): " + idleRates());
    }

    /** user + system clock ticks of every instance of each service. */
    private static Map<String, Long> ticks() throws Exception {
        Map<String, Long> ticks = new java.util.LinkedHashMap<>();
        for (String service : SERVICES) {
            long sum = 0;
            for (String pid : pids(service).values()) {
                String stat = Files.readString(Path.of("/proc", pid, "stat"));
                // fields after the command's closing parenthesis: utime and stime are the 12th and 13th
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                sum += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            }
            ticks.put(service, sum);
        }
        return ticks;
    }

    /** Each instance's pid, by its name (inventory, inventory-2, ...). */
    private static Map<String, String> pids(String service) throws Exception {
        Map<String, String> pids = new java.util.TreeMap<>();
        try (var files = Files.list(RepositoryRoot.get().resolve("e2e/target/platform/pids"))) {
            for (Path pidFile : files.filter(f -> f.getFileName().toString().matches(service + "(-[0-9])?\\.pid")).toList()) {
                pids.put(pidFile.getFileName().toString().replace(".pid", ""), Files.readString(pidFile).trim());
            }
        }
        return pids;
    }

    /** {@code jcmd <pid> <command> <options>} on every service instance; %s in an option is the instance's name. */
    static void jfr(String command, String... options) throws Exception {
        Files.createDirectories(RepositoryRoot.get().resolve("e2e/target/jfr"));
        for (String service : SERVICES) {
            for (var instance : pids(service).entrySet()) {
                jcmd(instance.getValue(), command, java.util.Arrays.stream(options).map(o -> o.replace("%s", instance.getKey())).toArray(String[]::new));
            }
        }
    }

    /** What {@code jcmd <pid> <command> <options>} prints. */
    static String jcmd(String pid, String command, String... options) throws Exception {
        // the jcmd of the JDK the service runs on (up.sh picks JDK 25 where present), not the one on the PATH
        Path java = Path.of("/proc", pid, "exe").toRealPath();
        List<String> jcmd = new ArrayList<>(List.of(java.resolveSibling("jcmd").toString(), pid, command));
        jcmd.addAll(List.of(options));
        Process process = new ProcessBuilder(jcmd).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", jcmd) + " failed: " + output);
        }
        return output;
    }

    private static long clockTicksPerSecond() throws Exception {
        Process getconf = new ProcessBuilder("getconf", "CLK_TCK").start();
        return Long.parseLong(new String(getconf.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim());
    }
}
