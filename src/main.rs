fn main() -> std::process::ExitCode {
    mailfix::cli::main()
}
