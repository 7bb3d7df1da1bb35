from quart import Quart

app = Quart(__name__)


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}
