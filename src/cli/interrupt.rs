//! Ctrl-C during a solve. CBC installs its own SIGINT handler while it runs (and never puts
//! the previous one back): a handler of ours would stop seeing Ctrl-C after the first
//! solver run, and CBC would stop its search "on a user event" with a roster that breaks
//! rules. So SIGINT is blocked in every thread, before any thread starts, and one thread
//! takes it with `sigwait`: a blocked signal reaches no handler, whichever is installed.

use std::io;

/// Blocks SIGINT in this thread (and so in every thread it starts from now on) and calls
/// `on_interrupt` from a dedicated thread at the first Ctrl-C. Call it before any other
/// thread exists (progress spinner, solver thread).
pub fn on_ctrl_c(on_interrupt: impl FnOnce() + Send + 'static) -> io::Result<()> {
    let set = sigint_set();
    // SAFETY: `set` is an initialised signal set; a null old-set pointer is allowed.
    let rc = unsafe { libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) };
    if rc != 0 {
        return Err(io::Error::from_raw_os_error(rc));
    }
    std::thread::Builder::new()
        .name("ctrl-c".into())
        .spawn(move || {
            let mut signal = 0;
            // SAFETY: `set` is initialised and `signal` is a valid place for the result.
            if unsafe { libc::sigwait(&set, &mut signal) } == 0 {
                on_interrupt();
            }
        })?;
    Ok(())
}

fn sigint_set() -> libc::sigset_t {
    // SAFETY: sigemptyset initialises the zeroed set before sigaddset reads it.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGINT);
        set
    }
}
