from fastapi import FastAPI

app = FastAPI(title="my-service")


@app.get("/")
def health() -> dict:
    return {"status": "ok"}


@app.get("/items/{item_id}")
def read_item(item_id: int, q: str | None = None) -> dict:
    return {"item_id": item_id, "q": q}
