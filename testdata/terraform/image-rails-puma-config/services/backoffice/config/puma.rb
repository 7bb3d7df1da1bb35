# Puma can serve each request in a thread from an internal thread pool.
max_threads_count = ENV.fetch("RAILS_MAX_THREADS") { 5 }
min_threads_count = ENV.fetch("RAILS_MIN_THREADS") { max_threads_count }
threads min_threads_count, max_threads_count

port ENV.fetch("PORT") { 3000 }

environment ENV.fetch("RAILS_ENV") { "development" }

pidfile ENV.fetch("PIDFILE") { "tmp/pids/server.pid" }

# Allow puma to be restarted by `bin/rails restart` command.
plugin :tmp_restart

# The ALB keeps idle connections for 60 s: Puma must keep them longer, or
# it closes a connection the ALB is about to reuse.
persistent_timeout ENV.fetch("PUMA_PERSISTENT_TIMEOUT") { 75 }.to_i

workers ENV.fetch("WEB_CONCURRENCY") { 2 }
worker_shutdown_timeout 25
