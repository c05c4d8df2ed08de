//! The `normsharp` binary; see [`normsharp::cli`].

fn main() {
    // On SIGINT, SIGTERM or SIGHUP: remove the temporary files of a write in progress (the
    // targets keep their old contents) and exit 130, as an interrupted shell command does.
    let _ = ctrlc::set_handler(|| {
        normsharp::output::write::remove_pending_temporaries();
        std::process::exit(130);
    });
    std::process::exit(normsharp::cli::run(std::env::args_os()));
}
