import os

from fastapi import FastAPI

app = FastAPI()
INDEX = os.environ.get("SEARCH_INDEX", "products")


@app.get("/health")
def health():
    return {"status": "ok"}


@app.get("/search")
def search(q: str):
    return {"index": INDEX, "query": q, "hits": []}
