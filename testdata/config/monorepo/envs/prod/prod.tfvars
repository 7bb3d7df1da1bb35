# Production: long report downloads need a longer idle timeout.
idle_timeout         = 120
keep_alive           = 75
deregistration_delay = 300
