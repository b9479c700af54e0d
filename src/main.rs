// glibc's allocator slows down as a build's heap grows (a 100,000-digest
// build spent a third of its time in malloc and free); see
// docs/decisions.md.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(storia::cli::main());
}
