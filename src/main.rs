fn main() {
    std::process::exit(storia::cli::main());
}
