idle_timeout = 60
keep_alive   = 75
