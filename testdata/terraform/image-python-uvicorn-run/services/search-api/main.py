import os

import uvicorn

from search.api import app

PORT = int(os.environ.get("PORT", "8000"))

if __name__ == "__main__":
    uvicorn.run(
        app,
        host="0.0.0.0",
        port=PORT,
        timeout_keep_alive=30,
        timeout_graceful_shutdown=20,
    )
