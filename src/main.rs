//! The `normsharp` binary; see [`normsharp::cli`].

fn main() {
    std::process::exit(normsharp::cli::run(std::env::args_os()));
}
