//! The wizard's benchmark on the real demo: runs `mailfix demo` in a
//! pseudo-terminal and prints time to first frame, key-to-frame latency
//! while a probe runs and while idle, idle CPU, and peak memory. Figures
//! only, no assertions.
//!
//! The probe is the lab's `firewalled` sample: every connection to its
//! server is silently dropped, so the check runs until its timeout while
//! the keys are timed; the lab itself (DNS, scripted servers, simulated
//! network) stays on loopback.
//!
//! `cargo bench --bench tui` (release), or `--profile dev` for a quick look.

#[path = "../tests/tui_pty_screen/mod.rs"]
mod tui_pty_screen;

use std::process::Command;
use std::time::{Duration, Instant};

use tui_pty_screen::Wizard;

const SAMPLES: usize = 20;
/// The sample whose check runs longest (until the timeout).
const SLOW_SAMPLE: &str = "firewalled";

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_mailfix"));
    command
        .arg("demo")
        .args(["--timeout", "4"])
        .current_dir(dir.path())
        .env("XDG_CONFIG_HOME", dir.path());
    let started = Instant::now();
    let mut w = Wizard::spawn(command);
    let pid = w.session.get_process().pid().as_raw();

    // The demo starts its lab first: the first frame lists its samples.
    w.expect("Which account?");
    let first_frame = started.elapsed();
    w.expect(SLOW_SAMPLE);

    w.pick(SLOW_SAMPLE);
    w.send("\r");
    w.expect("What goes wrong");
    w.send("\r");
    let checking = format!("Checking {SLOW_SAMPLE}");
    w.wait_until(Duration::from_secs(30), |t| {
        t.contains(&checking) || t.contains("x report")
    })
    .expect("the check never started");
    let busy = help_toggles(&mut w, |text| text.contains(&checking));

    w.wait_until(Duration::from_secs(60), |t| t.contains("x report"))
        .expect("the verdict never came");
    let idle_keys = help_toggles(&mut w, |_| true);
    // Idle: no key, no run. Count CPU time and bytes drawn.
    w.pump();
    let before_bytes = w.screen.raw.len();
    let before_cpu = cpu_ticks(pid);
    let idle_for = Duration::from_secs(3);
    let idle_start = Instant::now();
    while idle_start.elapsed() < idle_for {
        w.pump();
        std::thread::sleep(Duration::from_millis(50));
    }
    let idle_cpu = cpu_ticks(pid).zip(before_cpu).map(|(after, before)| {
        let ticks = after.saturating_sub(before) as f64;
        ticks / clock_ticks() / idle_for.as_secs_f64() * 100.0
    });
    let idle_bytes = w.screen.raw.len() - before_bytes;
    let peak_kib = peak_memory_kib(pid);

    w.send("q");
    let status = w.exit_status(Duration::from_secs(10));

    println!(
        "mailfix wizard benchmark on `mailfix demo` ({} build)",
        profile()
    );
    println!(
        "  time to first frame        {:>8.1} ms (lab started, samples listed)",
        ms(first_frame)
    );
    match summary(&busy) {
        Some(s) => println!("  key-to-frame, probe running {s} ({SLOW_SAMPLE})"),
        None => println!(
            "  key-to-frame, probe running n/a (the run ended before a key could be timed)"
        ),
    }
    match summary(&idle_keys) {
        Some(s) => println!("  key-to-frame, idle           {s}"),
        None => println!("  key-to-frame, idle           n/a"),
    }
    match idle_cpu {
        Some(cpu) => println!(
            "  idle CPU                   {cpu:>8.2} % over {} s ({idle_bytes} bytes drawn)",
            idle_for.as_secs()
        ),
        None => println!("  idle CPU                   n/a (no /proc)"),
    }
    match peak_kib {
        Some(kib) => println!(
            "  peak memory (VmHWM)        {:>8.1} MiB",
            kib as f64 / 1024.0
        ),
        None => println!("  peak memory                n/a (no /proc)"),
    }
    println!(
        "  exit                       {}",
        status.unwrap_or_else(|| "did not quit".into())
    );
}

/// Open and close help with `?` while `still` holds; each time from the
/// key's write to the frame that shows (or hides) the help box.
fn help_toggles(w: &mut Wizard, still: impl Fn(&str) -> bool) -> Vec<Duration> {
    let mut times = Vec::new();
    for _ in 0..SAMPLES {
        w.pump();
        if !still(&w.screen.text()) {
            break;
        }
        for open in [true, false] {
            w.write("?");
            let shown = |t: &str| t.contains("┌ Keys") == open;
            match w.wait_until(Duration::from_secs(2), shown) {
                Some(took) => times.push(took),
                None => return times,
            }
        }
    }
    times
}

fn summary(times: &[Duration]) -> Option<String> {
    if times.is_empty() {
        return None;
    }
    let mut sorted: Vec<f64> = times.iter().map(|d| ms(*d)).collect();
    sorted.sort_by(f64::total_cmp);
    let at = |q: f64| sorted[((sorted.len() - 1) as f64 * q).round() as usize];
    Some(format!(
        "median {:.1} ms, p95 {:.1} ms, max {:.1} ms ({} keys)",
        at(0.5),
        at(0.95),
        sorted[sorted.len() - 1],
        sorted.len()
    ))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// utime + stime of `pid`, in clock ticks.
fn cpu_ticks(pid: i32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
}

fn clock_ticks() -> f64 {
    // SAFETY: sysconf only reads a configuration value.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if ticks > 0 { ticks as f64 } else { 100.0 }
}

fn peak_memory_kib(pid: i32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

fn profile() -> &'static str {
    if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    }
}
